// LiteLLM's Google pass-through for Gemini models: the Gemini API's paths under /gemini
// (`/gemini/v1beta/models/{model}:generateContent`, `:streamGenerateContent`) and Vertex AI's under
// /vertex_ai (`/vertex_ai/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:...`),
// as Google's SDKs call them with the gateway as their base URL. One kind of model call on the pipeline:
// the model in the path is the model group (its access, budgets, rpm and routing), the body goes to a
// `gemini/` or `vertex_ai/` deployment as the client wrote it (shared/providers/gemini/passthrough.ts), with
// the deployment's own key or service account, and the answer comes back as Google sent it. Errors are
// in Google's shape, which its SDKs read.
import type { GatewayError } from '../core/errors.ts';
import { SSE_HEADERS } from '../core/sse.ts';
import type { Route } from '../core/types.ts';
import { parseGenerateContentRequest, type GenerateContentRequest } from '../google-format/generate-content.ts';
import { estimateJsonTokens } from '../openai/token-estimate.ts';
import { answerStream } from '../pipeline/answer-stream.ts';
import { afterFirstChunk } from '../pipeline/commit-point.ts';
import type { ModelCallKind } from '../pipeline/model-call.ts';
import { CHAT_MODES } from '../pipeline/model-modes.ts';
import type { ModelCallPipeline } from '../pipeline/pipeline.ts';
import { attemptService } from '../pipeline/provider-call.ts';
import { generateContentSize } from '../pipeline/request-size.ts';
import type { UsageMeter } from '../pipeline/usage-meter.ts';
import type { GenerateContentAnswer, UsageMetadata } from '../providers/gemini/answer-schema.ts';
import type { GoogleAnswer, GoogleEvent } from '../providers/gemini/passthrough.ts';
import { toUsage } from '../providers/gemini/usage.ts';
import type { ProviderRegistry } from '../providers/registry.ts';

/** Where Google's SDKs find a Gemini model: the Gemini API's path, and Vertex AI's (LiteLLM serves it under both spellings). */
export const GEMINI_MODELS = '/gemini/{version}/models';
export const VERTEX_MODELS = ['/vertex_ai', '/vertex-ai'].map((prefix) => `${prefix}/{version}/projects/{project}/locations/{location}/publishers/google/models`);

export function generateContentEndpoint(pipeline: ModelCallPipeline, deps: { providers: ProviderRegistry }): Route[] {
  return [false, true].flatMap((stream) => {
    const method = stream ? 'streamGenerateContent' : 'generateContent';
    const kind = generateContent(deps.providers, stream);
    return [
      // The Gemini API takes its key as `?key=` too (curl, older SDKs); Google's SDKs send x-goog-api-key.
      { ...pipeline.route([`${GEMINI_MODELS}/{model}:${method}`], kind), keyInQuery: 'key' },
      pipeline.route(
        VERTEX_MODELS.map((models) => `${models}/{model}:${method}`),
        kind,
      ),
    ];
  });
}

function generateContent(providers: ProviderRegistry, stream: boolean): ModelCallKind<GenerateContentRequest, GoogleAnswer> {
  return {
    callType: 'pass_through_endpoint',
    modes: CHAT_MODES,
    errorBody: googleErrorBody,
    parse: (json) => parseGenerateContentRequest(json, stream),
    plan: (body) => ({
      model: body.model,
      routing: { disableFallbacks: false },
      promptTokens: estimateJsonTokens(body.contents),
      size: generateContentSize(body),
      prompt: body.contents,
    }),
    async attempt(body, deployment, ctx) {
      const answer = await attemptService('generateContent', body, deployment, ctx, providers);
      return answer.stream ? { stream: true, events: await afterFirstChunk(answer.events, ctx.timings) } : answer;
    },
    answer(committed, _body, meter, ctx) {
      if (!committed.stream) {
        const { answer } = committed;
        finished(answer, meter);
        return meter.json(answer, answer.usageMetadata ? toUsage(answer.usageMetadata) : undefined, answerText(answer));
      }
      const received = { text: '' };
      return {
        headers: { ...meter.headers(), ...SSE_HEADERS },
        body: answerStream(
          forwardedEvents(committed.events, meter, received),
          ctx,
          (error) => `data: ${JSON.stringify(googleErrorBody(error))}\n\n`,
          () => meter.cutShort(received.text),
        ),
      };
    },
  };
}

/**
 * Google's events as it sent them. A stream has no end marker (its last event carries the usage), so
 * each event goes out when the next arrives, and the last one only after the spend record.
 */
async function* forwardedEvents(events: AsyncIterable<GoogleEvent>, meter: UsageMeter, received: { text: string }): AsyncGenerator<string> {
  let usage: UsageMetadata | undefined;
  let held: string | undefined;
  for await (const { data, answer } of events) {
    received.text += answerText(answer);
    usage = answer.usageMetadata ?? usage;
    finished(answer, meter);
    if (held) yield held;
    held = `data: ${data}\n\n`;
  }
  await meter.beforeLastEvent(usage ? toUsage(usage) : undefined, received.text);
  if (held) yield held;
}

function finished(answer: GenerateContentAnswer, meter: UsageMeter): void {
  for (const candidate of answer.candidates ?? []) meter.finished(candidate.finishReason);
}

/** The candidates' JSON: an estimate of the answer that errs high, when no usage comes back. */
function answerText(answer: GenerateContentAnswer): string {
  return answer.candidates ? JSON.stringify(answer.candidates) : '';
}

/** Google's error shape (google.rpc.Status), which its SDKs read the message and status from. */
export function googleErrorBody(error: GatewayError): { error: { code: number; message: string; status: string } } {
  return { error: { code: error.status, message: error.message, status: GOOGLE_STATUS[error.status] ?? (error.status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT') } };
}

/** google.rpc.Code's names for the statuses the gateway answers with. */
const GOOGLE_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
};
