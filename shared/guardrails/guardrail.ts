// A configured guardrail: its name, when it runs, whether it runs for everyone, and its engine, built
// once at start from the config's `guardrails:` entry.
import type { GuardrailEntry, GuardrailMode } from './config-schema.ts';
import type { GuardrailEngine } from './engine.ts';
import { bedrockGuardrail } from './engines/bedrock.ts';
import { contentFilter } from './engines/content-filter.ts';
import { genericGuardrailApi } from './engines/generic-api.ts';
import { hideSecrets } from './engines/hide-secrets.ts';
import { openaiModeration } from './engines/openai-moderation.ts';
import { presidio } from './engines/presidio.ts';

/** How long a remote guardrail may take when its entry sets no `timeout`. */
const DEFAULT_TIMEOUT_MS = 10_000;

export interface Guardrail {
  name: string;
  modes: ReadonlySet<GuardrailMode>;
  defaultOn: boolean;
  engine: GuardrailEngine;
  /** `unreachable_fallback: fail_open`: a remote guardrail that fails lets the call through. */
  failOpen: boolean;
  timeoutMs: number;
}

export function buildGuardrail(entry: GuardrailEntry): Guardrail {
  const params = entry.litellm_params;
  const timeout = 'timeout' in params ? params.timeout : undefined;
  const timeoutMs = typeof timeout === 'number' ? timeout * 1000 : DEFAULT_TIMEOUT_MS;
  return {
    name: entry.guardrail_name,
    modes: new Set(Array.isArray(params.mode) ? params.mode : [params.mode]),
    defaultOn: params.default_on === true,
    engine: engineOf(entry, timeoutMs),
    failOpen: 'unreachable_fallback' in params && params.unreachable_fallback === 'fail_open',
    timeoutMs,
  };
}

function engineOf({ guardrail_name: name, litellm_params: params }: GuardrailEntry, timeoutMs: number): GuardrailEngine {
  switch (params.guardrail) {
    case 'litellm_content_filter':
      return contentFilter(params);
    case 'hide-secrets':
      return hideSecrets();
    case 'bedrock':
      return bedrockGuardrail(params);
    case 'generic_guardrail_api':
      return genericGuardrailApi(name, params, timeoutMs);
    case 'presidio':
      return presidio(params, timeoutMs);
    case 'openai_moderation':
      return openaiModeration(params, timeoutMs);
  }
}
