// Input checks shared by the admin routes: LiteLLM's field types, 400s that name the field, refusal of
// fields LiteLLM does not document, and the `warnings` for documented fields Tollgate stores but does
// not act on yet (shared/keys/not-acted-on.ts).
import * as z from 'zod';
import { GatewayError } from '../../core/errors.ts';
import { parseJsonObject } from '../../core/json-body.ts';
import { DURATION_HINT, durationMs } from '../../config/duration.ts';
import { notActedOn } from '../../keys/not-acted-on.ts';
import { idProblem, MAX_NUMBER, unstorable } from '../../store/limits.ts';

/**
 * The largest budget or spend an admin may set. Amounts are kept to the nano-dollar, and sums of
 * them stay exact only below about 9 million dollars.
 */
export const MAX_USD = 1_000_000;

export const money = z.number().min(0, 'must be a number ≥ 0 (USD)').max(MAX_USD, `must be at most ${MAX_USD} (USD)`);
export const count = z.number().min(0, 'must be ≥ 0').max(MAX_NUMBER, `must be at most ${MAX_NUMBER} (2^53 - 1)`).int('must be a whole number');
export const duration = z.string().refine((text) => durationMs(text) !== undefined, `must be ${DURATION_HINT}`);
/** An id or alias: it names a DynamoDB item. */
export const id = z
  .string()
  .min(1, 'must not be empty')
  .superRefine((text, ctx) => {
    const problem = idProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
export const names = z.array(z.string());
export const object = z.record(z.string(), z.unknown());

/** Budgets, limits and their companions: every entity (key, team, user, customer) takes these. */
export const limitFields = {
  max_budget: money.nullable(),
  soft_budget: money.nullable(),
  budget_duration: duration.nullable(),
  rpm_limit: count.nullable(),
  tpm_limit: count.nullable(),
  max_parallel_requests: count.nullable(),
  // LiteLLM takes both {"gpt-4": 5.0} and {"gpt-4": {"budget_limit": 5.0, "time_period": "30d"}}.
  model_max_budget: z.record(z.string(), z.union([money, z.looseObject({ budget_limit: money.optional(), time_period: duration.optional() })])),
  model_rpm_limit: z.record(z.string(), count),
  model_tpm_limit: z.record(z.string(), count),
  budget_id: z.string().nullable(),
  spend: money,
};

/**
 * Several budget windows at once (LiteLLM's `budget_limits`, keys and teams): each its own budget for its
 * own period, one window per duration. `reset_at` is the gateway's to say (answers compute it), so a
 * sent one is dropped.
 */
export const budgetLimits = z
  .array(z.strictObject({ budget_duration: duration, max_budget: money, reset_at: z.string().nullable().optional() }).transform(({ budget_duration, max_budget }) => ({ budget_duration, max_budget })))
  .refine((windows) => new Set(windows.map((w) => w.budget_duration)).size === windows.length, 'must name each budget_duration once')
  .nullable();

/** An answer with its `warnings`, when there are any. */
export function withWarnings<T extends object>(body: T, input: Record<string, unknown>): T & { warnings?: string[] } {
  const warnings = notActedOn(input);
  return warnings.length ? { ...body, warnings } : body;
}

/** For a field that takes one of several shapes, the problem inside the shape the input has. */
function innermost(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  const branch = issue.errors.find((issues) => issues[0] && !(issues[0].code === 'invalid_type' && issues[0].path.length === 0));
  if (!branch) return issue;
  const inner = innermost(branch[0]!);
  return { ...inner, path: [...issue.path, ...inner.path] };
}

/**
 * The JSON body checked against a strict schema: a wrong type, a bad value, an unknown field or a
 * value the table cannot hold (shared/store/limits.ts) is a 400 naming it.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: string, route: string): z.infer<S> {
  const input = nullsAsAbsent(schema, parseJsonObject(body));
  // The schema first, for its field-specific limits; then what any field must meet to be stored.
  const checked = check(schema, input, route);
  const problem = unstorable(input);
  if (problem) throw new GatewayError('invalid_request', `${route}: \`${problem.path || 'body'}\` ${problem.problem}.`, { param: problem.path || null });
  return checked;
}

/**
 * LiteLLM treats an explicit `null` as absent, and its clients and UI send them for every optional
 * field. A null stays only where the field takes one (a budget or limit: null clears it on update),
 * and where the schema knows no such field (so the refusal names it).
 */
function nullsAsAbsent(schema: z.ZodType, input: Record<string, unknown>): Record<string, unknown> {
  if (!(schema instanceof z.ZodObject)) return input;
  const shape: Record<string, z.ZodType> = schema.shape;
  return Object.fromEntries(Object.entries(input).filter(([name, value]) => value !== null || !Object.hasOwn(shape, name) || shape[name]!.safeParse(null).success));
}

export function check<S extends z.ZodType>(schema: S, input: unknown, route: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = innermost(result.error.issues[0]!);
  if (issue.code === 'unrecognized_keys') {
    const at = issue.path.length ? `${issue.path.join('.')}.` : '';
    const fields = issue.keys.map((key) => `\`${at}${key}\``).join(', ');
    throw new GatewayError('invalid_request', `${route} does not take ${fields}: LiteLLM documents no such field. Remove it, or check its spelling.`, { param: `${at}${issue.keys[0]}` });
  }
  const param = issue.path.join('.');
  const given = issue.path.reduce<unknown>((value, step) => (value as Record<PropertyKey, unknown> | undefined)?.[step], input);
  const problem = issue.code === 'invalid_type' && given === undefined ? 'is required' : issue.message;
  throw new GatewayError('invalid_request', `${route}: \`${param || 'body'}\` ${problem}.`, { param: param || null });
}
