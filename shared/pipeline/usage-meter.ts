// What an endpoint's answer writer records through: the usage an upstream reported (or an estimate
// from what was sent and received when none is believable), the cost, and the moment before the last
// byte, when the spend record must be written. One per model call; every kind of answer uses it.
// Calls priced in other units (images, seconds, characters, searches) pass what they used as `units`.
import type { Reply, RequestContext } from '../core/types.ts';
import type { Usage } from '../openai/types.ts';
import type { CallRecord } from '../pricing/call-record.ts';
import { estimateUsage } from '../openai/token-estimate.ts';
import type { Pricer } from '../pricing/pricer.ts';
import { recordUsage } from '../pricing/request-cost.ts';
import type { RequestCost } from '../pricing/types.ts';
import type { UnitUsage } from '../pricing/units.ts';
import type { RequestSize } from '../pricing/usage-ceiling.ts';

export class UsageMeter {
  constructor(
    private readonly ctx: RequestContext,
    private readonly record: CallRecord,
    private readonly pricer: Pricer,
    private readonly size: RequestSize,
    /** What was sent, for the estimate. */
    private readonly prompt: unknown,
  ) {}

  /** The model the client asked for: answers name it, after a fallback too (x-tollgate-model-id names the deployment). */
  get model(): string {
    return this.record.requestedModel;
  }

  /** Usage recorded so far, if any. */
  get usage(): Usage | undefined {
    return this.record.usage;
  }

  /** The deployment that answered and the model group, as LiteLLM names them. */
  headers(): Record<string, string> {
    const id = headerSafe(this.record.deployment?.id ?? '');
    return { 'x-tollgate-model-id': id, 'x-litellm-model-id': id, 'x-litellm-model-group': headerSafe(this.record.requestedModel) };
  }

  /**
   * Records `reported` usage, or an estimate from the prompt and `received` (the answer's text so
   * far) when it is absent; throws the upstream's error when it is impossible (the estimate is charged).
   */
  measure(reported: Usage | undefined, received: string, units?: UnitUsage): RequestCost | undefined {
    this.record.output = received;
    return recordUsage(this.ctx, this.record, this.pricer, this.size, reported, () => estimateUsage(this.prompt, received), units);
  }

  /** Why the answer (or one of its choices) ended, as the endpoint's format says it: `stop`, `length`, `end_turn`, ... */
  finished(reason: string | null | undefined): void {
    if (reason) (this.record.finishReasons ??= []).push(reason);
  }

  /** The id the answer carries (its first, for a stream's chunks): the spend record keeps it, for /spend/logs?request_id=. */
  identified(answer: unknown): void {
    const id = (answer as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && this.record.responseId === undefined) this.record.responseId = id;
  }

  /** A whole (JSON) answer: its usage recorded and its spend record written before it goes out. */
  async json(answer: unknown, reported: Usage | undefined, received: string, units?: UnitUsage): Promise<Reply> {
    this.identified(answer);
    return this.whole(JSON.stringify(answer), reported, received, units);
  }

  /** A whole answer in another format (text, SRT, VTT): as `json`, with its content type. */
  async whole(body: string, reported: Usage | undefined, received: string, units?: UnitUsage, contentType?: string): Promise<Reply> {
    const cost = this.measure(reported, received, units);
    await this.ctx.answerReady();
    return { headers: { ...this.headers(), ...costHeaders(cost), ...(contentType && { 'content-type': contentType }) }, body };
  }

  /** A stream's end: its usage recorded (if not yet) and the spend record written before the event that ends it. */
  async beforeLastEvent(reported: Usage | undefined, received: string, units?: UnitUsage): Promise<void> {
    if (!this.record.usage || reported) this.measure(reported, received, units);
    await this.ctx.answerReady();
  }

  /** A stream cut short (client gone, upstream failed): what it reported, else an estimate, unless already recorded. */
  cutShort(received: string, units?: UnitUsage): void {
    if (this.record.usage) return;
    try {
      this.measure(undefined, received, units);
    } catch {
      // An estimate cannot be impossible; and nobody is there to tell.
    }
  }
}

/** Non-streamed answers only: a stream's headers leave before its cost is known (it rides in the usage chunk). */
function costHeaders(cost: RequestCost | undefined): Record<string, string> {
  if (!cost) return {};
  const value = String(cost.charged);
  return { 'x-tollgate-response-cost': value, 'x-litellm-response-cost': value };
}

/** Config names may be any Unicode; header values may not (Node refuses them), so those characters go percent-encoded. */
function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]/gu, (char) => encodeURIComponent(char));
}
