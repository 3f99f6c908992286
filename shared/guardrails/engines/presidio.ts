// Microsoft Presidio over HTTP, for teams that run it: each text goes to the analyzer (`/analyze`);
// entities set to BLOCK in `pii_entities_config` refuse the call, the others found are replaced by the
// anonymizer (`/anonymize`, `<ENTITY_TYPE>` by default). With `output_parse_pii`, the values masked in
// the request are put back where the answer repeats their placeholders, as LiteLLM does.
import * as z from 'zod';
import type { PresidioParams } from '../config-schema.ts';
import type { CheckInput, GuardrailEngine, Verdict } from '../engine.ts';
import { postJson } from './post-json.ts';

const analyzerResults = z.array(z.looseObject({ entity_type: z.string(), start: z.number().int(), end: z.number().int(), score: z.number() }));
type Finding = z.output<typeof analyzerResults>[number];
const anonymized = z.looseObject({ text: z.string(), items: z.array(z.looseObject({ start: z.number().int(), end: z.number().int(), entity_type: z.string(), text: z.string() })).optional() });

export function presidio(params: PresidioParams, timeoutMs: number): GuardrailEngine {
  const analyzer = `${params.presidio_analyzer_api_base.replace(/\/+$/, '')}/analyze`;
  const anonymizer = `${params.presidio_anonymizer_api_base.replace(/\/+$/, '')}/anonymize`;
  const language = params.presidio_language ?? 'en';
  const configured = params.pii_entities_config;

  async function maskOne(text: string, input: CheckInput): Promise<{ text: string; found: Finding[]; blocked?: string }> {
    if (!text) return { text, found: [] };
    const call = { signal: input.signal, timeoutMs };
    const results = analyzerResults.parse(await postJson({ ...call, service: 'Presidio analyzer', url: analyzer, body: { text, language, ...(configured && { entities: Object.keys(configured) }) } }));
    const found = results.filter((finding) => finding.score >= (params.presidio_score_thresholds?.[finding.entity_type] ?? params.presidio_score_thresholds?.['ALL'] ?? 0));
    const blocked = found.find((finding) => configured?.[finding.entity_type] === 'BLOCK');
    if (blocked) return { text, found, blocked: blocked.entity_type };
    if (!found.length) return { text, found };
    const result = anonymized.parse(await postJson({ ...call, service: 'Presidio anonymizer', url: anonymizer, body: { text, analyzer_results: found } }));
    if (params.output_parse_pii) remember(input.session, text, found, result);
    return { text: result.text, found };
  }

  return {
    remote: true,
    restoresAnswer: params.output_parse_pii === true,
    async check(input): Promise<Verdict> {
      if (input.direction === 'response' && params.output_parse_pii) return restore(input);
      const masked = await Promise.all(input.texts.map((text) => maskOne(text, input)));
      const blocked = masked.find((one) => one.blocked);
      if (blocked) return { action: 'block', reason: `PII ${blocked.blocked} detected` };
      const detected = [...new Set(masked.flatMap((one) => one.found.map((finding) => finding.entity_type)))];
      return detected.length ? { action: 'mask', texts: masked.map((one) => one.text), detected } : { action: 'allow' };
    },
  };
}

/** Placeholder → value, from the anonymizer's items (in the masked text) and the analyzer's findings (in the original), paired in order. */
function remember(session: Map<string, string>, original: string, found: Finding[], result: z.output<typeof anonymized>): void {
  const values = [...found].sort((a, b) => a.start - b.start).map((finding) => original.slice(finding.start, finding.end));
  const placeholders = [...(result.items ?? [])].sort((a, b) => a.start - b.start).map((item) => item.text);
  placeholders.forEach((placeholder, i) => {
    if (values[i] !== undefined) session.set(placeholder, values[i]!);
  });
}

function restore({ texts, session }: CheckInput): Verdict {
  if (!session.size) return { action: 'allow' };
  const restored = texts.map((text) => {
    let result = text;
    for (const [placeholder, value] of session) result = result.replaceAll(placeholder, value);
    return result;
  });
  return restored.some((text, i) => text !== texts[i]) ? { action: 'mask', texts: restored, detected: ['restored PII'] } : { action: 'allow' };
}
