// GET /guardrails/list: the configured guardrails as LiteLLM lists them, so a client can see what it
// may name in `guardrails`. Only the name, engine, mode, default_on and `guardrail_info`: never the
// other `litellm_params` (credentials, endpoints).
import type { Route } from '../core/types.ts';
import type { GuardrailEntry } from '../guardrails/config-schema.ts';

export function guardrailsEndpoint(entries: readonly GuardrailEntry[]): Route[] {
  const body = JSON.stringify({
    guardrails: entries.map((entry) => ({
      guardrail_name: entry.guardrail_name,
      litellm_params: { guardrail: entry.litellm_params.guardrail, mode: entry.litellm_params.mode, default_on: entry.litellm_params.default_on ?? false },
      guardrail_info: entry['guardrail_info'] ?? null,
      guardrail_definition_location: 'config',
    })),
  });
  return [{ method: 'GET', paths: ['/guardrails/list'], auth: 'caller', handle: async () => ({ body }) }];
}
