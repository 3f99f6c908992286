// What an endpoint declares about its kind of model call; the pipeline (./pipeline.ts) does the rest
// the same way for every kind: caller and end user, model access for the model and each fallback,
// budgets and limits, routing with retries and fallbacks, usage and cost, the spend record.
import type { CachedAnswers } from '../cache/cached-answers.ts';
import type { GatewayError } from '../core/errors.ts';
import type { FileLimit } from '../core/multipart.ts';
import type { Reply, RequestContext } from '../core/types.ts';
import type { Deployment } from '../config/types.ts';
import type { GuardrailSurface } from '../guardrails/surface.ts';
import type { ModelMode } from '../pricing/types.ts';
import type { RequestSize } from '../pricing/usage-ceiling.ts';
import type { RoutingOptions } from '../router/request-options.ts';
import type { UsageMeter } from './usage-meter.ts';

export interface ModelCallKind<Body, Committed> {
  /** LiteLLM's call type in spend records: acompletion, aembedding, anthropic_messages, ... */
  readonly callType: string;
  /** Set when the body is a multipart/form-data upload (audio to transcribe), not JSON: each file's cap. `parse` then gets the form's fields and files. */
  readonly multipart?: FileLimit;
  /** The model modes this endpoint serves (LiteLLM's `mode`): a model group known to be of none of them is a 400. Unchecked when unset. */
  readonly modes?: readonly ModelMode[];
  /**
   * The JSON body checked and typed (zod), with what the headers add; throws a 400 naming the field.
   * It may read what the request refers to (a stored conversation), as the caller `ctx` names.
   */
  parse(body: Record<string, unknown>, headers: Record<string, string>, ctx: RequestContext): Body | Promise<Body>;
  /** What the pipeline needs to know of the request before anything is called. */
  plan(body: Body): CallPlan;
  /**
   * One attempt on one deployment, up to the commit point: the upstream accepted the request and,
   * for streams, sent its first event. Anything thrown before that may be retried elsewhere.
   */
  attempt(body: Body, deployment: Deployment, ctx: RequestContext): Promise<Committed>;
  /** The answer, as JSON or a stream, its usage recorded through `meter` (the spend record waits for it). */
  answer(committed: Committed, body: Body, meter: UsageMeter, ctx: RequestContext): Promise<Reply> | Reply;
  /** Where its texts are, for guardrails (shared/guardrails/); a kind without one runs none. */
  readonly guard?: GuardrailSurface<Body, Committed>;
  /** How the endpoint writes errors (Anthropic's shape on /v1/messages); OpenAI's when unset. */
  readonly errorBody?: (error: GatewayError) => unknown;
  /** How its answers are cached (shared/cache/); never when unset. */
  readonly cache?: CachedAnswers<Body, Committed>;
}

export interface CallPlan {
  /** The model group asked for. */
  model: string;
  /** The end user the body names (`user`, `metadata.user_id`); headers may name one first. */
  endUser?: string | null;
  /** The request's own retries and fallbacks. */
  routing: RoutingOptions;
  /** Estimated prompt tokens, checked against `max_input_tokens` and the deployments' tpm. */
  promptTokens: number;
  /** What the budget reservation is sized by (shared/pricing/usage-ceiling.ts). */
  size: RequestSize;
  /** What was sent, to estimate usage from when no believable usage comes back. */
  prompt: unknown;
  /**
   * A request that is no model call (count_tokens): held to rate limits and spent budgets but
   * reserving nothing, with no spend record, and left out of the router's statistics.
   */
  free?: boolean;
}
