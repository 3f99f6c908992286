// The guardrails of one model call, as the pipeline runs them: pre_call on the request before any
// upstream is called (masking it in place, or refusing it); during_call on the request in parallel
// with the upstream, the answer held until it passes; post_call on the answer, whole, or on its
// stream as it passes (./stream-check.ts). What each guardrail did goes into the call record (the
// spend ledger and the metrics read it), never any text.
import { GatewayError } from '../core/errors.ts';
import type { RequestContext } from '../core/types.ts';
import type { CallRecord } from '../pricing/call-record.ts';
import type { UsageMeter } from '../pipeline/usage-meter.ts';
import type { GuardrailMode } from './config-schema.ts';
import type { CheckContext, Direction, Verdict } from './engine.ts';
import type { Selected } from './selection.ts';
import { streamCheck } from './stream-check.ts';
import type { AnswerTexts, GuardrailSurface, StreamCheck } from './surface.ts';

/** LiteLLM's response header naming the guardrails a request ran. */
export const APPLIED_HEADER = 'x-litellm-applied-guardrails';
/** Stream segments: every few words for guardrails in process, fewer and longer ones for those that cost a call. */
const SEGMENT_CHARS = { local: 64, remote: 1024 };

export interface GuardrailOutcome {
  guardrail_name: string;
  guardrail_mode: GuardrailMode;
  /** `failed_open`: a remote guardrail failed and its `unreachable_fallback: fail_open` let the call through. */
  action: 'passed' | 'masked' | 'blocked' | 'failed_open';
  /** What was masked or blocked, by detector name (`email pattern`, `PII EMAIL`), never the text. */
  detected?: string[];
}

export class RequestGuardrails<Body, Committed> {
  private during?: Promise<void>;
  private readonly sessions = new Map<string, Map<string, string>>();
  /** The request's texts pre_call changed, as the client sent them → as they went on. */
  private readonly masked = new Map<string, string>();

  constructor(
    private readonly selected: Selected[],
    private readonly surface: GuardrailSurface<Body, Committed>,
    private readonly ctx: RequestContext,
    private readonly record: CallRecord,
    private readonly context: CheckContext,
  ) {
    ctx.responseHeaders[APPLIED_HEADER] = selected.map(({ guardrail }) => guardrail.name).join(',');
    record.textsForLog = (texts) => this.forLog(texts);
  }

  /** pre_call (in config order, each on the request as the previous left it), then starts during_call. */
  async beforeCall(body: Body): Promise<void> {
    const slots = this.surface.request(body);
    const sent = slots.map((slot) => slot.get());
    for (const selected of this.running('pre_call')) {
      const verdict = await this.check(
        selected,
        'pre_call',
        slots.map((slot) => slot.get()),
        'request',
      );
      if (verdict.action === 'mask') for (const [i, slot] of slots.entries()) slot.set(verdict.texts[i]!);
    }
    for (const [i, slot] of slots.entries()) if (slot.get() !== sent[i]) this.masked.set(sent[i]!, slot.get());
    const during = this.running('during_call');
    if (!during.length) return;
    const texts = slots.map((slot) => slot.get());
    this.during = Promise.all(during.map((selected) => this.check(selected, 'during_call', texts, 'request'))).then(() => undefined);
    // Awaited in afterCall; until then a refusal must not count as unhandled.
    this.during.catch(() => {});
  }

  /** Waits for during_call, then runs post_call on the answer: checked whole, or a stream checked as it passes. */
  async afterCall(committed: Committed, meter: UsageMeter): Promise<Committed> {
    const answer = this.surface.answer(committed);
    try {
      await this.during;
    } catch (error) {
      refuse(answer, meter);
      throw error;
    }
    const post = this.selected.filter(({ guardrail }) => guardrail.modes.has('post_call') || guardrail.engine.restoresAnswer);
    if (!post.length) return committed;
    if ('stream' in answer) {
      const remote = post.some(({ guardrail }) => guardrail.engine.remote);
      return answer.stream(streamCheck((texts, sent) => this.checkAnswer(post, texts, sent), remote ? SEGMENT_CHARS.remote : SEGMENT_CHARS.local));
    }
    try {
      const texts = await this.checkAnswer(
        post,
        answer.whole.map((slot) => slot.get()),
        answer.whole.map(() => 0),
      );
      for (const [i, slot] of answer.whole.entries()) slot.set(texts[i]!);
    } catch (error) {
      refuse(answer, meter);
      throw error;
    }
    return committed;
  }

  /** post_call over an answer's texts; `sent[i]` leading characters of `texts[i]` have gone out already and may not change. */
  private async checkAnswer(post: Selected[], texts: string[], sent: number[]): Promise<string[]> {
    let current = texts;
    for (const selected of post) {
      const verdict = await this.check(selected, 'post_call', current, 'response');
      if (verdict.action !== 'mask') continue;
      if (verdict.texts.some((text, i) => !text.startsWith(current[i]!.slice(0, sent[i])))) {
        throw violation(selected.guardrail.name, 'post_call', 'a value to mask begins in text already streamed to the client');
      }
      current = verdict.texts;
    }
    return current;
  }

  /**
   * Texts of the call (its logged request and answer) as exporters may see them: each as pre_call left
   * it, then masked by the `logging_only` guardrails. Nothing is refused here: a text such a guardrail
   * would block is logged as a note naming it, and one that fails is logged as a note too.
   */
  private async forLog(texts: string[]): Promise<string[]> {
    let current = texts.map((text) => this.masked.get(text) ?? text);
    for (const { guardrail, extraBody } of this.running('logging_only')) {
      const note = `[withheld from logs by guardrail ${guardrail.name}]`;
      try {
        const verdict = await guardrail.engine.check({ texts: current, direction: 'request', context: this.context, extraBody, signal: AbortSignal.timeout(guardrail.timeoutMs), session: new Map() });
        if (verdict.action === 'block') return current.map(() => note);
        if (verdict.action === 'mask') current = verdict.texts;
      } catch {
        return current.map(() => note);
      }
    }
    return current;
  }

  private running(mode: GuardrailMode): Selected[] {
    return this.selected.filter(({ guardrail }) => guardrail.modes.has(mode));
  }

  /** One guardrail on some texts: its verdict recorded, a block thrown; a remote one bounded by its timeout, and failing open or closed. */
  private async check({ guardrail, extraBody }: Selected, mode: GuardrailMode, texts: string[], direction: Direction): Promise<Verdict> {
    if (!texts.some((text) => text.length)) return { action: 'allow' };
    const signal = guardrail.engine.remote ? AbortSignal.any([this.ctx.signal, AbortSignal.timeout(guardrail.timeoutMs)]) : this.ctx.signal;
    let session = this.sessions.get(guardrail.name);
    if (!session) this.sessions.set(guardrail.name, (session = new Map()));
    let verdict: Verdict;
    try {
      verdict = await guardrail.engine.check({ texts, direction, context: this.context, extraBody, signal, session });
      if (verdict.action === 'mask' && verdict.texts.length !== texts.length) throw new Error(`answered ${verdict.texts.length} texts for ${texts.length}`);
    } catch (error) {
      if (this.ctx.signal.aborted) throw error;
      // The log has what went wrong; the client learns only whether the service was late or failed (not where it is).
      const reason = error instanceof Error ? error.message : String(error);
      if (!guardrail.failOpen) {
        this.ctx.log.warn('guardrail failed closed', { requestId: this.ctx.requestId, guardrail: guardrail.name, mode, reason });
        const what = signal.aborted ? `did not answer within ${guardrail.timeoutMs / 1000} s` : 'failed';
        throw new GatewayError('guardrail_unavailable', `Guardrail "${guardrail.name}" ${what} checking the ${direction}, and fails closed. Retry, or ask the admin about the guardrail service.`, {
          cause: error,
        });
      }
      this.ctx.log.warn('guardrail failed open', { requestId: this.ctx.requestId, guardrail: guardrail.name, mode, reason });
      this.note({ guardrail_name: guardrail.name, guardrail_mode: mode, action: 'failed_open' });
      return { action: 'allow' };
    }
    if (verdict.action === 'block') {
      this.note({ guardrail_name: guardrail.name, guardrail_mode: mode, action: 'blocked', detected: [verdict.reason] });
      throw violation(guardrail.name, mode, verdict.reason);
    }
    this.note({ guardrail_name: guardrail.name, guardrail_mode: mode, action: verdict.action === 'mask' ? 'masked' : 'passed', ...(verdict.action === 'mask' && { detected: verdict.detected }) });
    return verdict;
  }

  /** One entry per guardrail and mode: a stream's segments add up to the strongest action taken. */
  private note(outcome: GuardrailOutcome): void {
    const outcomes = (this.record.guardrails ??= []);
    const same = outcomes.find((o) => o.guardrail_name === outcome.guardrail_name && o.guardrail_mode === outcome.guardrail_mode);
    if (!same) {
      outcomes.push(outcome);
      return;
    }
    if (STRENGTH[outcome.action] > STRENGTH[same.action]) same.action = outcome.action;
    if (outcome.detected) same.detected = [...new Set([...(same.detected ?? []), ...outcome.detected])];
  }
}

const STRENGTH: Record<GuardrailOutcome['action'], number> = { passed: 0, failed_open: 1, masked: 2, blocked: 3 };

/** LiteLLM's guardrail error: a 400 whose message is `{"error": "Violated guardrail policy", ...}`, naming the guardrail and what it found. */
export function violation(name: string, mode: GuardrailMode, reason: string): GatewayError {
  return new GatewayError('guardrail_violation', JSON.stringify({ error: 'Violated guardrail policy', guardrail_name: name, guardrail_mode: mode, reason }));
}

/** An answer that will not go out: a whole one's usage is still recorded (the upstream charged it); a stream is closed, its prompt charged as an estimate. */
function refuse<Committed>(answer: AnswerTexts<Committed>, meter: UsageMeter): void {
  if ('stream' in answer) {
    answer.stream(closeStream);
    meter.cutShort('');
    return;
  }
  try {
    meter.measure(answer.usage, answer.whole.map((slot) => slot.get()).join(''));
  } catch {
    // Usage that cannot be true is charged as an estimate by measure itself; the guardrail's error is the one to send.
  }
}

const closeStream: StreamCheck = <Item>(items: AsyncIterable<Item>) => {
  void items[Symbol.asyncIterator]()
    .return?.()
    ?.catch(() => {});
  return (async function* (): AsyncGenerator<Item> {})();
};
