// What the table can hold, checked before a value reaches DynamoDB, so that input it would refuse is
// the caller's 400 (or, for a lookup, "no such item") rather than an error from deep in a write.
//
// - Numbers: the document client converts JS numbers only within ±Number.MAX_SAFE_INTEGER (larger
//   ones need its NumberValue), never Infinity or NaN; DynamoDB itself refuses magnitudes below 1e-130.
// - Nesting: DynamoDB nests documents at most 32 levels; audit records wrap a record's fields two
//   levels deeper (`updated_values.metadata`), so a field's own value may nest 30.
// - Strings must be well-formed UTF-16 (DynamoDB stores UTF-8: a lone surrogate has no encoding).
// - Keys: a partition key is at most 2048 bytes of UTF-8.
// - `__proto__` as an object key would turn into the object's prototype on the way through, and
//   an empty attribute name is refused.

export const MAX_NUMBER = Number.MAX_SAFE_INTEGER;
export const MIN_NONZERO_NUMBER = 1e-130;
export const MAX_FIELD_DEPTH = 30;
export const MAX_KEY_BYTES = 2048;
/** Ids and aliases name items: half the key limit leaves room for the item's prefix (`CUSTOMER#`). */
export const MAX_ID_BYTES = 1024;

export interface Unstorable {
  /** Where in the value, as `metadata.a[0]`; empty for the value itself. */
  path: string;
  problem: string;
}

/** The first part of `value` (parsed JSON) that the table cannot hold, or undefined if all of it fits. */
export function unstorable(value: unknown, path = '', depth = 0): Unstorable | undefined {
  if (typeof value === 'number') return numberProblem(value, path);
  if (typeof value === 'string') return wellFormed(value) ? undefined : { path, problem: 'is not well-formed Unicode (it has a lone surrogate)' };
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_FIELD_DEPTH) return { path, problem: `nests deeper than the ${MAX_FIELD_DEPTH} levels a stored field may have` };
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = unstorable(item, `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [name, item] of Object.entries(value)) {
    const at = path ? `${path}.${name}` : name;
    if (name === '__proto__') return { path: at, problem: 'is not allowed as a key (it names the prototype of JavaScript objects)' };
    if (name === '') return { path: at, problem: 'is an empty key, which DynamoDB does not store' };
    if (!wellFormed(name)) return { path, problem: 'has a key that is not well-formed Unicode (it has a lone surrogate)' };
    const found = unstorable(item, at, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function numberProblem(value: number, path: string): Unstorable | undefined {
  if (!Number.isFinite(value)) return { path, problem: 'is not a finite number' };
  const size = Math.abs(value);
  if (size > MAX_NUMBER) return { path, problem: `is larger than ${MAX_NUMBER} (2^53 - 1), the largest number stored exactly` };
  if (size !== 0 && size < MIN_NONZERO_NUMBER) return { path, problem: `is smaller than ${MIN_NONZERO_NUMBER}, the smallest number DynamoDB stores (use 0)` };
  return undefined;
}

/** In `u` mode a paired surrogate is one code point, so only lone ones are in the Surrogate category. */
const LONE_SURROGATE = /\p{Cs}/u;

export function wellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** Why `id` cannot name an item, or undefined if it can. */
export function idProblem(id: string): string | undefined {
  if (Buffer.byteLength(id, 'utf8') > MAX_ID_BYTES) return `must be at most ${MAX_ID_BYTES} bytes (UTF-8)`;
  return wellFormed(id) ? undefined : 'is not well-formed Unicode (it has a lone surrogate)';
}

/** Whether a partition key fits DynamoDB's limit; no item can be stored under one that does not. */
export function keyFits(pk: string): boolean {
  return Buffer.byteLength(pk, 'utf8') <= MAX_KEY_BYTES;
}
