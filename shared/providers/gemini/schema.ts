// JSON Schema (what OpenAI tools and response_format carry) → Gemini's Schema, an OpenAPI 3.0
// subset that refuses keys it does not know. Kept: the keys Gemini documents. Rewritten: `$ref`s
// inlined from `$defs`, `["string", "null"]` and `anyOf [..., {type: null}]` as `nullable`, `const`
// as a one-value `enum`. Dropped: everything else (`additionalProperties`, `$schema`, `strict`...).
import { GatewayError } from '../../core/errors.ts';

const KEPT_KEYS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'items',
  'minimum',
  'maximum',
]);
/** Gemini accepts these formats only; others are errors upstream. */
const KEPT_FORMATS = new Set(['enum', 'date-time', 'int32', 'int64', 'float', 'double']);

type Schema = Record<string, unknown>;

/** `param` names the field the schema came from, for the 400 a recursive schema gets. */
export function toGeminiSchema(schema: Schema, param: string): Schema {
  const defs = { ...(schema['definitions'] as Schema | undefined), ...(schema['$defs'] as Schema | undefined) };
  const convert = (node: unknown, expanding: string[]): Schema => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return {};
    let source = node as Schema;
    const ref = source['$ref'];
    if (typeof ref === 'string') {
      const name = ref.replace(/^#\/(\$defs|definitions)\//, '');
      if (expanding.includes(name)) {
        throw new GatewayError('invalid_request', `${param}: the schema refers to itself ("${ref}"); Gemini schemas cannot be recursive.`, { param });
      }
      const target = defs[name];
      if (!target) throw new GatewayError('invalid_request', `${param}: "${ref}" does not name a definition in $defs.`, { param });
      const { $ref: _ref, ...siblings } = source;
      return convert({ ...(target as Schema), ...siblings }, [...expanding, name]);
    }
    const out: Schema = {};
    let nullable = false;
    if (Array.isArray(source['type'])) {
      const types = (source['type'] as unknown[]).filter((t) => t !== 'null');
      nullable = types.length < (source['type'] as unknown[]).length;
      source = { ...source, type: types.length === 1 ? types[0] : undefined, ...(types.length > 1 ? { anyOf: types.map((type) => ({ type })) } : {}) };
    }
    if ('const' in source && !('enum' in source)) source = { ...source, enum: [source['const']] };
    for (const [key, value] of Object.entries(source)) {
      if (!KEPT_KEYS.has(key) || value === undefined) continue;
      if (key === 'properties' && value && typeof value === 'object') {
        out[key] = Object.fromEntries(Object.entries(value as Schema).map(([name, sub]) => [name, convert(sub, expanding)]));
      } else if (key === 'items') {
        out[key] = convert(value, expanding);
      } else if (key === 'anyOf' && Array.isArray(value)) {
        const options = value.filter((option) => !(option && typeof option === 'object' && (option as Schema)['type'] === 'null'));
        nullable ||= options.length < value.length;
        if (options.length === 1) Object.assign(out, convert(options[0], expanding));
        else out[key] = options.map((option) => convert(option, expanding));
      } else if (key === 'format') {
        if (typeof value === 'string' && KEPT_FORMATS.has(value)) out[key] = value;
      } else if (key === 'enum' && Array.isArray(value)) {
        out[key] = value.filter((v) => v !== null).map(String);
      } else {
        out[key] = value;
      }
    }
    if (nullable) out['nullable'] = true;
    return out;
  };
  return convert(schema, []);
}
