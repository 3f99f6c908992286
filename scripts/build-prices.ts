// `npm run prices`: shared/pricing/prices.source.yaml (USD per 1M tokens, edited by hand) →
// shared/pricing/prices.json (USD per token, LiteLLM's field names), the file the gateway loads.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const SOURCE = fileURLToPath(new URL('../shared/pricing/prices.source.yaml', import.meta.url));
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

const PER_MILLION = 1_000_000;
const perToken = (perMillion: number | undefined) => (perMillion === undefined ? undefined : Number((perMillion / PER_MILLION).toPrecision(12)));

export function buildPrices(sourceText: string): Record<string, Record<string, unknown>> {
  const source = parse(sourceText) as Record<string, Record<string, SourceEntry>>;
  const out: Record<string, Record<string, unknown>> = {};
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
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export function renderPrices(sourceText: string): string {
  return `${JSON.stringify(buildPrices(sourceText), null, 1)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(OUTPUT, renderPrices(readFileSync(SOURCE, 'utf8')));
  console.log(`wrote ${OUTPUT}`);
}
