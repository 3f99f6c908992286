// Generators of hostile request bodies as JSON *text*, so that what JSON.stringify cannot write still
// reaches the gateway: number literals that parse to Infinity, 0 or imprecise values (1e999, 1e-999,
// 30 digits), `__proto__` and empty keys, lone surrogates, long and odd strings, nesting within reason,
// wrong types and nulls; and mutations of a valid body that put one of those where a field goes.
import fc from 'fast-check';

const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.integer().map(String),
  fc.constantFrom('0', '-0', '1', '-1', '0.5', '2', '1e20', '-1e20', '1e308', '1e-200', '9007199254740993', '1e999', '-1e999', '1e-999', '123456789012345678901234567890', '5e-324', '0.1e1'),
);

export const nastyString = fc.oneof(
  { arbitrary: fc.string({ maxLength: 20 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '__proto__',
      'constructor',
      '\u0000',
      '\ud800',
      'a\udc00b',
      '😀'.repeat(300),
      'a'.repeat(3000),
      '€'.repeat(1100),
      '99999999999999d',
      '99999999999999999999d',
      '1e999',
      'null',
      '../../key/list',
      '%00',
      `sk-${'x'.repeat(40)}`,
      '\u202e',
      'mock',
      'gpt',
      'claude',
      'all-proxy-models',
      '*',
      'daily',
      '30d',
      '2026-01-01',
      'true',
      'user',
      'assistant',
      'system',
      'tool',
      'function',
      'text',
      'image_url',
    ),
    weight: 3,
  },
);

const stringText = nastyString.map((s) => JSON.stringify(s));
const keyText = fc.oneof(stringText, fc.constantFrom('"__proto__"', '"constructor"', '"prototype"', '""', '"toString"', '"role"', '"type"'));
const leafText = fc.oneof(numberText, stringText, fc.constantFrom('null', 'true', 'false', '[]', '{}'));
/** Nesting deeper than any real body has, within what the gateway must parse without trouble. */
const deepText = fc
  .tuple(fc.integer({ min: 20, max: 120 }), fc.boolean())
  .map(([depth, arrays]) => (arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));

const tree = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, { arbitrary: leafText, weight: 5 }, { arbitrary: deepText, weight: 1 }, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${(items as string[]).join(',')}]`),
  object: fc.array(fc.tuple(keyText, tie('value')), { maxLength: 4 }).map((entries) => `{${(entries as Array<[string, string]>).map(([k, v]) => `${k}:${v}`).join(',')}}`),
}));

/**
 * The values that have broken gateways before, as JSON text: every field of every route gets each of
 * them in the sweep, and the random runs draw them often.
 */
export const CATALOGUE = [
  '1e999',
  '-1e999',
  '1e20',
  '1e-200',
  '123456789012345678901234567890',
  JSON.stringify('a'.repeat(3000)),
  '"\\ud800"',
  '"99999999999999d"',
  '{"__proto__":{"polluted":true},"a":1}',
  `{"a":${'['.repeat(40)}${']'.repeat(40)}}`,
  'null',
  '[{}]',
  '{"":""}',
];

/** Any JSON value, as text. */
export const nastyValue = fc.oneof({ arbitrary: fc.constantFrom(...CATALOGUE), weight: 2 }, { arbitrary: tree.value as fc.Arbitrary<string>, weight: 3 });
/** Any JSON object, as text. */
export const nastyObject = tree.object as fc.Arbitrary<string>;
/** Bodies that are not a JSON object at all. */
export const junkBody = fc.constantFrom('', 'null', '[]', '"text"', '{', '{"model": "gpt"', 'not json', '\u0000', '{"a":1}{"b":2}', '1e999');

export type Path = Array<string | number>;

/** Every place in a value a mutation can replace: each field and item, nested ones too. */
export function pathsOf(value: unknown, at: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((item, i) => [i, item]) : Object.entries(value);
  return entries.flatMap(([key, item]) => [[...at, key], ...pathsOf(item, [...at, key])]);
}

const marker = (i: number) => `\u0001nasty-${i}\u0001`;

/** `base` with the values at `edits`' paths replaced by their JSON texts; a path of one new field adds it. */
export function render(base: Record<string, unknown>, edits: Array<[Path, string]>): string {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  const added: string[] = [];
  edits.forEach(([path, text], i) => {
    let parent = copy;
    for (const step of path.slice(0, -1)) {
      const next = parent[step];
      if (next === null || typeof next !== 'object') return;
      parent = next as Record<string | number, unknown>;
    }
    const last = path.at(-1)!;
    // A new top-level field goes in as text: `__proto__` would not survive as a JS property.
    if (path.length === 1 && !Object.hasOwn(parent, last)) added.push(`${JSON.stringify(last)}:${text}`);
    else parent[last] = marker(i);
  });
  let json = JSON.stringify(copy);
  edits.forEach(([, text], i) => void (json = json.replace(JSON.stringify(marker(i)), text)));
  if (added.length) json = json === '{}' ? `{${added.join(',')}}` : `${json.slice(0, -1)},${added.join(',')}}`;
  return json;
}

/** `base` with one to three of its fields, items or extra fields replaced by hostile values. */
export function mutationsOf(base: Record<string, unknown>, extraFields: string[]): fc.Arbitrary<string> {
  const targets: Path[] = [...pathsOf(base), ...extraFields.map((field) => [field])];
  return fc.array(fc.tuple(fc.constantFrom(...targets), nastyValue), { minLength: 1, maxLength: 3 }).map((edits) => render(base, edits));
}
