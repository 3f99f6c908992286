// The pipeline's guardrail step: the configured guardrails, built once, and for each model call the
// ones that run on it (./selection.ts), over the texts its kind of call declares (./surface.ts).
import type { RequestContext } from '../core/types.ts';
import { virtualKeyOf } from '../keys/identity.ts';
import type { CallRecord } from '../pricing/call-record.ts';
import type { GuardrailEntry } from './config-schema.ts';
import { buildGuardrail, type Guardrail } from './guardrail.ts';
import { RequestGuardrails } from './request-guardrails.ts';
import { selectGuardrails } from './selection.ts';
import type { GuardrailSurface } from './surface.ts';

export class GuardrailStep {
  private readonly guardrails: Guardrail[];

  constructor(entries: readonly GuardrailEntry[]) {
    this.guardrails = entries.map(buildGuardrail);
  }

  /** The guardrails of one call, or undefined when none runs (or its kind of call has no text to check). */
  start<Body, Committed>(
    surface: GuardrailSurface<Body, Committed> | undefined,
    json: Record<string, unknown>,
    ctx: RequestContext,
    record: CallRecord,
    endUser: string | null | undefined,
  ): RequestGuardrails<Body, Committed> | undefined {
    if (!surface || !this.guardrails.length) return undefined;
    const selected = selectGuardrails(this.guardrails, json, ctx.identity);
    if (!selected.length) return undefined;
    const key = virtualKeyOf(ctx.identity);
    return new RequestGuardrails(selected, surface, ctx, record, {
      requestId: ctx.requestId,
      keyHash: key?.token,
      keyAlias: key?.keyAlias,
      userId: key?.userId,
      teamId: key?.teamId,
      endUser,
    });
  }
}
