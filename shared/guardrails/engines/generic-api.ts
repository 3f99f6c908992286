// LiteLLM's Generic Guardrail API, so any in-house service plugs in: the texts are POSTed to
// `{api_base}/beta/litellm_basic_guardrail_api` with who is calling, and the service answers NONE
// (go on), BLOCKED (refuse, with `blocked_reason`) or GUARDRAIL_INTERVENED (go on with its `texts`).
import * as z from 'zod';
import type { GenericGuardrailParams } from '../config-schema.ts';
import type { GuardrailEngine, Verdict } from '../engine.ts';
import { postJson } from './post-json.ts';

const PATH = '/beta/litellm_basic_guardrail_api';

const answerSchema = z.looseObject({
  action: z.enum(['NONE', 'BLOCKED', 'GUARDRAIL_INTERVENED']),
  blocked_reason: z.string().nullish(),
  texts: z.array(z.string()).nullish(),
});

export function genericGuardrailApi(name: string, params: GenericGuardrailParams, timeoutMs: number): GuardrailEngine {
  const url = params.api_base.replace(/\/+$/, '') + PATH;
  const headers: Record<string, string> = params.api_key ? { authorization: `Bearer ${params.api_key}`, 'x-api-key': params.api_key } : {};
  return {
    remote: true,
    async check({ texts, direction, context, extraBody, signal }) {
      const body = {
        texts,
        request_data: {
          user_api_key_hash: context.keyHash ?? null,
          user_api_key_alias: context.keyAlias ?? null,
          user_api_key_user_id: context.userId ?? null,
          user_api_key_team_id: context.teamId ?? null,
          user_api_key_end_user_id: context.endUser ?? null,
        },
        input_type: direction,
        litellm_call_id: context.requestId,
        litellm_trace_id: context.requestId,
        additional_provider_specific_params: { ...params.additional_provider_specific_params, ...extraBody },
      };
      const parsed = answerSchema.safeParse(await postJson({ service: `guardrail "${name}"`, url, headers, body, signal, timeoutMs }));
      if (!parsed.success) throw new Error('the guardrail API answered without a valid `action` (NONE, BLOCKED or GUARDRAIL_INTERVENED)');
      return verdictOf(parsed.data, texts.length);
    },
  };
}

function verdictOf(answer: z.output<typeof answerSchema>, count: number): Verdict {
  if (answer.action === 'BLOCKED') return { action: 'block', reason: answer.blocked_reason ?? 'blocked by the guardrail API' };
  if (answer.action === 'NONE' || !answer.texts) return { action: 'allow' };
  if (answer.texts.length !== count) throw new Error(`the guardrail API answered ${answer.texts.length} texts for ${count}`);
  return { action: 'mask', texts: answer.texts, detected: ['GUARDRAIL_INTERVENED'] };
}
