// Which guardrails run on a request, as LiteLLM decides it: those `default_on`, unless the key or its
// team sets `disable_global_guardrails`; those the key or its team names (`guardrails`, forced:
// a request cannot turn them off); and those the request asks for, in its body or its `metadata`
// (`"guardrails": ["name", ...]`, or `{"name": {"extra_body": {...}}}` to pass a guardrail parameters).
import { GatewayError } from '../core/errors.ts';
import type { Identity } from '../core/types.ts';
import { virtualKeyOf } from '../keys/identity.ts';
import type { Guardrail } from './guardrail.ts';

export interface Selected {
  guardrail: Guardrail;
  /** The request's `extra_body` for it. */
  extraBody: Record<string, unknown>;
}

export function selectGuardrails(all: readonly Guardrail[], json: Record<string, unknown>, identity: Identity | undefined): Selected[] {
  const known = new Map(all.map((guardrail) => [guardrail.name, guardrail]));
  const requested = requestedGuardrails(json, known);
  const key = virtualKeyOf(identity);
  const holders = key ? [key.key, key.team].filter((holder) => holder !== undefined) : [];
  // Set as a field (/key/generate {"guardrails": [...]}) or in metadata, as LiteLLM stores it.
  const forced = new Set(holders.flatMap((holder) => [...namesIn(holder['guardrails']), ...namesIn(holder.metadata['guardrails'])]));
  for (const name of forced) {
    if (!known.has(name))
      throw new GatewayError(
        'guardrail_unavailable',
        `This key or its team requires guardrail "${name}", which the gateway's config does not define. An admin must add it to \`guardrails:\` or remove it from the key or team.`,
      );
  }
  const globalsOff = holders.some((holder) => holder['disable_global_guardrails'] === true || holder.metadata['disable_global_guardrails'] === true);
  return all
    .filter((guardrail) => (guardrail.defaultOn && !globalsOff) || forced.has(guardrail.name) || requested.has(guardrail.name))
    .map((guardrail) => ({ guardrail, extraBody: requested.get(guardrail.name) ?? {} }));
}

/** The names a request asks for, with their `extra_body`; a name the config does not define is a 400. */
function requestedGuardrails(json: Record<string, unknown>, known: ReadonlyMap<string, Guardrail>): Map<string, Record<string, unknown>> {
  const requested = new Map<string, Record<string, unknown>>();
  const metadata = json['metadata'];
  const sources: Array<[string, unknown]> = [['guardrails', json['guardrails']]];
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) sources.push(['metadata.guardrails', (metadata as Record<string, unknown>)['guardrails']]);
  for (const [param, value] of sources) {
    for (const [name, options] of entriesOf(value, param)) {
      if (!known.has(name)) {
        const names = [...known.keys()];
        throw new GatewayError(
          'invalid_request',
          `Unknown guardrail "${name}" in ${param}: ${names.length ? `the gateway's guardrails are ${names.join(', ')}` : 'the gateway has no guardrails configured'}.`,
          { param },
        );
      }
      requested.set(name, extraBodyOf(options));
    }
  }
  return requested;
}

/** `["a", "b"]`, `{"a": {...}}`, or a list mixing names and such objects; `null` is absent. */
function entriesOf(value: unknown, param: string): Array<[string, unknown]> {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item): Array<[string, unknown]> => {
    if (typeof item === 'string') return [[item, undefined]];
    // LiteLLM's older `{"name": true|false}` form turns one on or off; off is simply not asking.
    if (item && typeof item === 'object' && !Array.isArray(item)) return Object.entries(item).filter(([, options]) => options !== false);
    throw new GatewayError('invalid_request', `${param} must be a list of guardrail names (or {"name": {"extra_body": {...}}} objects).`, { param });
  });
}

function extraBodyOf(options: unknown): Record<string, unknown> {
  if (!options || typeof options !== 'object') return {};
  const extra = (options as Record<string, unknown>)['extra_body'];
  return extra && typeof extra === 'object' && !Array.isArray(extra) ? (extra as Record<string, unknown>) : {};
}

function namesIn(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((name): name is string => typeof name === 'string') : [];
}
