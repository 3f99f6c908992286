// OpenAI's moderation API as a guardrail: the texts are sent as one `input` list, and any result
// flagged refuses the call, naming the categories flagged.
import * as z from 'zod';
import type { OpenAIModerationParams } from '../config-schema.ts';
import type { GuardrailEngine } from '../engine.ts';
import { postJson } from './post-json.ts';

const DEFAULT_BASE = 'https://api.openai.com';
const DEFAULT_MODEL = 'omni-moderation-latest';

const answerSchema = z.looseObject({
  results: z.array(z.looseObject({ flagged: z.boolean(), categories: z.record(z.string(), z.boolean().nullish()).optional() })),
});

export function openaiModeration(params: OpenAIModerationParams, timeoutMs: number): GuardrailEngine {
  // LiteLLM takes an api_base with or without the version path.
  const base = (params.api_base ?? DEFAULT_BASE).replace(/\/+$/, '');
  const url = `${base.endsWith('/v1') ? base : `${base}/v1`}/moderations`;
  return {
    remote: true,
    async check({ texts, signal }) {
      const answer = answerSchema.parse(
        await postJson({ service: 'OpenAI moderation', url, headers: { authorization: `Bearer ${params.api_key}` }, body: { model: params.model ?? DEFAULT_MODEL, input: texts }, signal, timeoutMs }),
      );
      const flagged = answer.results.filter((result) => result.flagged);
      if (!flagged.length) return { action: 'allow' };
      const categories = [...new Set(flagged.flatMap((result) => Object.entries(result.categories ?? {}).flatMap(([name, on]) => (on ? [name] : []))))];
      return { action: 'block', reason: `flagged by OpenAI moderation${categories.length ? `: ${categories.join(', ')}` : ''}` };
    },
  };
}
