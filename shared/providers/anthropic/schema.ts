// JSON schemas for Anthropic's structured outputs, which constrain decoding to closed objects:
// objects that do not say get `additionalProperties: false` (what OpenAI's strict mode requires
// too); a schema with explicitly open objects cannot be represented and is reported as such.

const SUBSCHEMA_KEYS = ['items', 'additionalItems', 'contains', 'not', 'if', 'then', 'else'] as const;
const SUBSCHEMA_LIST_KEYS = ['anyOf', 'allOf', 'oneOf', 'prefixItems'] as const;
const SUBSCHEMA_MAP_KEYS = ['properties', '$defs', 'definitions', 'patternProperties'] as const;

/** A copy with every object closed, or undefined when some object is explicitly open. */
export function closedSchema(schema: Record<string, unknown>): Record<string, unknown> | undefined {
  let open = false;
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = { ...(node as Record<string, unknown>) };
    for (const key of SUBSCHEMA_KEYS) if (key in out) out[key] = walk(out[key]);
    for (const key of SUBSCHEMA_LIST_KEYS) if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).map(walk);
    for (const key of SUBSCHEMA_MAP_KEYS) {
      const map = out[key];
      if (map && typeof map === 'object') out[key] = Object.fromEntries(Object.entries(map).map(([k, v]) => [k, walk(v)]));
    }
    const isObject = out['type'] === 'object' || (Array.isArray(out['type']) && out['type'].includes('object')) || 'properties' in out;
    if (isObject) {
      if (out['additionalProperties'] === undefined) out['additionalProperties'] = false;
      else if (out['additionalProperties'] !== false) open = true;
    }
    return out;
  };
  const closed = walk(schema) as Record<string, unknown>;
  return open ? undefined : closed;
}
