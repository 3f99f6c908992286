// What every guardrail engine is to the rest of the gateway: texts in, a verdict out. The texts are
// the request's (pre_call, during_call) or the answer's (post_call), in order; a verdict may hand back
// the same number of texts, changed (masked), to be written where they came from.

export type Direction = 'request' | 'response';

export interface CheckInput {
  texts: string[];
  direction: Direction;
  /** Who is calling and which call this is, for engines that pass it on (the generic guardrail API). */
  context: CheckContext;
  /** The request's `extra_body` for this guardrail (`"guardrails": {"name": {"extra_body": {...}}}`). */
  extraBody: Record<string, unknown>;
  signal: AbortSignal;
  /** What this guardrail keeps for the rest of the request (values it masked, to restore in the answer). */
  session: Map<string, string>;
}

export interface CheckContext {
  requestId: string;
  keyHash?: string;
  keyAlias?: string | null;
  userId?: string | null;
  teamId?: string | null;
  endUser?: string | null;
}

export type Verdict =
  | { action: 'allow' }
  /** `texts` replaces the input's, one for one; `detected` names what was masked (never the values). */
  | { action: 'mask'; texts: string[]; detected: string[] }
  /** `reason` says what was found, never the matched text itself. */
  | { action: 'block'; reason: string };

export interface GuardrailEngine {
  /** An engine that calls a service: it runs with a timeout and its guardrail's fail-open or fail-closed choice. */
  readonly remote: boolean;
  /** Runs on the answer whatever its modes say (Presidio's `output_parse_pii` puts masked values back). */
  readonly restoresAnswer?: boolean;
  check(input: CheckInput): Promise<Verdict>;
}
