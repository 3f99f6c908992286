// `npm run prices` (also `npm run prices:generate`): Tollgate's price file, shared/pricing/prices.json
// (USD per token, LiteLLM's field names), made from two sources:
//  - shared/pricing/litellm/model_prices_and_context_window.json: LiteLLM's table (every model it prices,
//    provenance in the README beside it), its keys renamed to Tollgate's `provider/model` and its fields
//    trimmed to those the gateway reads;
//  - shared/pricing/prices.source.yaml (USD per 1M tokens, edited by hand): Tollgate's own entries. Where
//    both name a model, the hand-kept entry wins, whole (none of LiteLLM's fields are mixed into it), and
//    LiteLLM's per-size entries for that model (`openai/hd/1024-x-1024/dall-e-3`) give way to the hand-kept ones.
// The gateway reads the file on first use (shared/pricing/price-table.ts), not as part of its bundle.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const SOURCE = fileURLToPath(new URL('../shared/pricing/prices.source.yaml', import.meta.url));
export const LITELLM = fileURLToPath(new URL('../shared/pricing/litellm/model_prices_and_context_window.json', import.meta.url));
export const OUTPUT = fileURLToPath(new URL('../shared/pricing/prices.json', import.meta.url));

interface SourceEntry {
  input?: number;
  output?: number;
  cache_read?: number;
  cache_write?: number;
  max_input_tokens?: number;
  max_output_tokens?: number;
  mode?: string;
  /** USD per unit, not per 1M: images made, seconds of audio heard, characters spoken, rerank searches. */
  image?: number;
  second?: number;
  character?: number;
  query?: number;
  reasoning?: boolean;
  aliases?: string[];
}

type Entry = Record<string, unknown>;

const PER_MILLION = 1_000_000;
const perToken = (perMillion: number | undefined) => (perMillion === undefined ? undefined : Number((perMillion / PER_MILLION).toPrecision(12)));

/** Tollgate's own entries, keyed `section/model` (the section is the provider's price section). */
export function handKeptPrices(sourceText: string): Record<string, Entry> {
  const source = parse(sourceText) as Record<string, Record<string, SourceEntry>>;
  const out: Record<string, Entry> = {};
  for (const [section, models] of Object.entries(source)) {
    for (const [model, entry] of Object.entries(models)) {
      const price = Object.fromEntries(
        Object.entries({
          input_cost_per_token: perToken(entry.input ?? 0),
          output_cost_per_token: perToken(entry.output ?? 0),
          cache_read_input_token_cost: perToken(entry.cache_read),
          cache_creation_input_token_cost: perToken(entry.cache_write),
          max_input_tokens: entry.max_input_tokens,
          max_output_tokens: entry.max_output_tokens,
          output_cost_per_image: entry.image,
          input_cost_per_second: entry.second,
          input_cost_per_character: entry.character,
          input_cost_per_query: entry.query,
          mode: entry.mode ?? 'chat',
          supports_reasoning: entry.reasoning,
          litellm_provider: section,
        }).filter(([, v]) => v !== undefined),
      );
      for (const id of [model, ...(entry.aliases ?? [])]) out[`${section}/${id}`] = price;
    }
  }
  return out;
}

/** LiteLLM's provider names that Tollgate's providers list their models under another name. */
const SECTION_OF: Record<string, string> = {
  'text-completion-openai': 'openai',
  azure_text: 'azure',
  bedrock_converse: 'bedrock',
  cohere_chat: 'cohere',
  palm: 'vertex_ai',
};

/** Bedrock's cross-region inference profile prefixes: the Bedrock provider prices `us.x` as `x`. */
const BEDROCK_PROFILE = /^(us|eu|apac|us-gov|global)\./;

/** The modes the gateway serves (shared/pricing/types.ts ModelMode); entries of others (image_edit, search, realtime...) are left out. */
const MODES = new Set(['chat', 'completion', 'responses', 'embedding', 'image_generation', 'audio_transcription', 'audio_speech', 'rerank', 'moderation']);

/** The fields the gateway reads, in this order; `*_above_<N>k_tokens` variants of the token prices follow. */
const FIELDS = [
  'input_cost_per_token',
  'output_cost_per_token',
  'cache_read_input_token_cost',
  'cache_creation_input_token_cost',
  'output_cost_per_reasoning_token',
  'input_cost_per_audio_token',
  'output_cost_per_audio_token',
  'input_cost_per_image_token',
  'output_cost_per_image_token',
  'output_cost_per_image',
  'input_cost_per_pixel',
  'input_cost_per_second',
  'input_cost_per_character',
  'input_cost_per_query',
  'max_input_tokens',
  'max_output_tokens',
];
const ABOVE = /^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost|output_cost_per_reasoning_token)_above_(\d+)k_tokens$/;
const PRICE = /cost|price/;

/** Where the gateway looks a LiteLLM entry up: `section/model`, the section the provider's name (or its Tollgate spelling). */
export function tollgateKey(key: string, litellmProvider: string): { section: string; key: string; profile: boolean } {
  const section = SECTION_OF[litellmProvider] ?? (litellmProvider.startsWith('vertex_ai') ? 'vertex_ai' : litellmProvider.replace(/-embedding-models$/, ''));
  let model = key;
  for (const prefix of [`${litellmProvider}/`, `${section}/`]) if (model.startsWith(prefix)) model = model.slice(prefix.length);
  const profile = section === 'bedrock' && BEDROCK_PROFILE.test(model);
  if (profile) model = model.replace(BEDROCK_PROFILE, '');
  return { section, key: `${section}/${model}`, profile };
}

interface Tier {
  range: [number, number];
  [field: string]: unknown;
}

/** One LiteLLM entry trimmed to the fields the gateway reads; undefined when it prices nothing the gateway can meter. */
export function trimmedEntry(entry: Entry, section: string): Entry | undefined {
  const mode = typeof entry['mode'] === 'string' ? entry['mode'] : 'chat';
  if (!MODES.has(mode)) return undefined;
  const fields: Entry = { ...entry };
  // Tiers by prompt size (Qwen, Gemini on some providers): the first tier is the base price, each later one `*_above_<start/1000>k_tokens`.
  if (Array.isArray(entry['tiered_pricing'])) {
    for (const [index, tier] of (entry['tiered_pricing'] as Tier[]).entries()) {
      for (const [field, value] of Object.entries(tier)) {
        if (field === 'range' || typeof value !== 'number') continue;
        if (index === 0) fields[field] ??= value;
        else if (tier.range[0] % 1000 === 0) fields[`${field}_above_${tier.range[0] / 1000}k_tokens`] ??= value;
      }
    }
  }
  // DeepSeek's name for the cache-read price; DALL·E's per-image price, named for the input as LiteLLM names it.
  fields['cache_read_input_token_cost'] ??= entry['input_cost_per_token_cache_hit'];
  if (mode === 'image_generation') fields['output_cost_per_image'] ??= entry['input_cost_per_image'];
  const out: Entry = {};
  for (const field of FIELDS) if (typeof fields[field] === 'number') out[field] = fields[field];
  // A limit of 0 is LiteLLM's "not known" (some gateways' embedding entries): no limit, not a limit of nothing.
  for (const limit of ['max_input_tokens', 'max_output_tokens']) if (out[limit] === 0) delete out[limit];
  for (const field of Object.keys(fields).sort()) if (ABOVE.test(field) && typeof fields[field] === 'number') out[field] = fields[field];
  if (!Object.keys(out).some((field) => PRICE.test(field))) return undefined;
  return { input_cost_per_token: 0, output_cost_per_token: 0, ...out, mode, ...(entry['supports_reasoning'] === true ? { supports_reasoning: true } : {}), litellm_provider: section };
}

/** LiteLLM's table under Tollgate's keys. A Bedrock profile's entry (`us.x`) stands for `x` only where `x` has none of its own. */
export function litellmPrices(litellmText: string): Record<string, Entry> {
  const table = JSON.parse(litellmText) as Record<string, Entry>;
  const out: Record<string, Entry> = {};
  const fromProfile = new Set<string>();
  for (const [key, entry] of Object.entries(table)) {
    if (key === 'sample_spec' || typeof entry['litellm_provider'] !== 'string') continue;
    const { section, key: tollgate, profile } = tollgateKey(key, entry['litellm_provider']);
    const trimmed = trimmedEntry(entry, section);
    if (!trimmed) continue;
    if (!key.includes('/')) trimmed['bare_id'] = true;
    if (tollgate in out && (profile || !fromProfile.has(tollgate))) continue;
    out[tollgate] = trimmed;
    if (profile) fromProfile.add(tollgate);
    else fromProfile.delete(tollgate);
  }
  return out;
}

/** A price of a model's options (`openai/hd/1024-x-1024/dall-e-3`): section, then the model. */
const OPTION_VARIANT = /^([^/]+)\/(?:[a-z]+\/)?\d+-x-\d+\/(.+)$/;

export function buildPrices(sourceText: string, litellmText: string): Record<string, Entry> {
  const handKept = handKeptPrices(sourceText);
  const litellm = litellmPrices(litellmText);
  // A hand-kept model keeps its own pricing whole: LiteLLM's per-size prices of it (per pixel for gpt-image-1, which the hand-kept entry prices by token) are left out.
  for (const key of Object.keys(litellm)) {
    const variant = OPTION_VARIANT.exec(key);
    if (variant && `${variant[1]}/${variant[2]}` in handKept) delete litellm[key];
  }
  const out = { ...litellm };
  for (const [key, entry] of Object.entries(handKept)) out[key] = litellm[key]?.['bare_id'] ? { ...entry, bare_id: true } : entry;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** One entry a line: a diff shows which models changed. */
export function renderPrices(sourceText: string, litellmText: string): string {
  const lines = Object.entries(buildPrices(sourceText, litellmText)).map(([key, entry]) => `${JSON.stringify(key)}:${JSON.stringify(entry)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(OUTPUT, renderPrices(readFileSync(SOURCE, 'utf8'), readFileSync(LITELLM, 'utf8')));
  console.log(`wrote ${OUTPUT}`);
}
