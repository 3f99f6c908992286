// An upstream's answer parsed by the schema of what the gateway reads of it (each provider family's
// `answer-schema.ts`: only the fields its translation reads, other fields passing as they are). The
// parsed value is typed from the schema, so what is checked and what is read cannot drift apart; an
// answer of another shape is the upstream's 502 naming the provider and the field, never a crash
// further on nor `undefined` passed on.
import * as z from 'zod';
import { GatewayError } from '../core/errors.ts';
import { issuePath } from '../core/invalid-request.ts';
import { redact } from './upstream-errors.ts';

/** A whole answer; `name` names what it should be in the message: `a message`, `a chat completion`. */
export function parseAnswer<S extends z.ZodType>(schema: S, answer: unknown, provider: string, name: string): z.output<S> {
  const result = schema.safeParse(answer);
  if (result.success) return result.data;
  throw new GatewayError('upstream_error', `${provider} answered with something that is not ${name}: ${problem(result.error, answer, 'the answer')}.`);
}

/** One stream event's data, as JSON; `name` names what it should be: `a chat.completion.chunk`. */
export function parseEvent<S extends z.ZodType>(schema: S, event: unknown, provider: string, name: string): z.output<S> {
  const result = schema.safeParse(event);
  if (result.success) return result.data;
  throw new GatewayError('upstream_error', `${provider} sent a stream event that is not valid JSON in its streaming format (not ${name}): ${problem(result.error, event, 'the event')}.`);
}

/** A field where an explicit `null` means absent (as LiteLLM treats it): read, and passed on, as absent. */
export function orAbsent<S extends z.ZodType>(schema: S) {
  return schema.nullish().transform((value) => value ?? undefined);
}

type TypedObject = z.ZodObject<{ type: z.ZodLiteral<string> }>;

/**
 * Objects told apart by their `type` (content blocks, stream events, deltas): a type listed is checked
 * by its own schema; a type not listed (one the API added since) passes as it is, as the providers'
 * docs ask clients to treat them. `isListed` tells the two apart for TypeScript, which cannot narrow
 * a union that holds `type: string` by comparing `type`.
 */
export function byType<const Listed extends readonly [TypedObject, ...TypedObject[]]>(listed: Listed) {
  const types = new Set<string>(listed.map((schema) => schema.shape.type.value));
  const unlisted = z.looseObject({ type: z.string().refine((type) => !types.has(type), { abort: true }) });
  const schema = z.union([z.discriminatedUnion('type', listed), unlisted]);
  const isListed = (value: z.output<typeof schema>): value is z.output<Listed[number]> => types.has(value.type);
  return { schema, isListed };
}

/** The first issue, in the upstream's terms: `content[0].text is missing`, `choices[0] is "", not an object`. */
function problem(error: z.ZodError, value: unknown, whole: string): string {
  const { path, problem } = describe(error.issues[0]!, value);
  return `${path || whole} ${problem}`;
}

/** Where an issue is and what is wrong there. Of a union's alternatives, the one that got furthest speaks. */
function describe(issue: z.core.$ZodIssue, answer: unknown): { path: string; problem: string } {
  if (issue.code === 'invalid_union' && issue.errors.length) {
    const furthest = issue.errors
      .map((issues) => issues[0])
      .filter((inner): inner is z.core.$ZodIssue => !!inner && !(inner.code === 'invalid_union' && !inner.errors.length))
      .reduce<z.core.$ZodIssue | undefined>((best, inner) => (!best || inner.path.length > best.path.length ? inner : best), undefined);
    if (furthest) return describe({ ...furthest, path: [...issue.path, ...furthest.path] }, answer);
  }
  const path = issuePath(issue);
  const value = issue.path.reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined), answer);
  if (value === undefined) return { path, problem: 'is missing' };
  if (issue.code === 'invalid_type') return { path, problem: `is ${shown(value)}, not ${article(issue.expected)}` };
  return { path, problem: `is ${shown(value)}, ${issue.message.replace(/^Invalid input: /, '').replace(/^Invalid input$/, 'which the gateway cannot read')}` };
}

function article(expected: string): string {
  return `${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected}`;
}

/**
 * An upstream's value as the message shows it: a scalar as JSON, cut short and with anything shaped
 * like a key masked; of a list or an object only what it is (it may hold anything).
 */
function shown(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  const text = redact(JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
