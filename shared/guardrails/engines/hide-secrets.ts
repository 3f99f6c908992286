// LiteLLM's `hide-secrets` guardrail: credentials in the text are replaced by `[REDACTED]`, the
// content filter run with every credential detector Tollgate has, masking.
import type { GuardrailEngine } from '../engine.ts';
import { contentFilter } from './content-filter.ts';
import type { PrebuiltPatternName } from './prebuilt-patterns.ts';

const SECRETS: PrebuiltPatternName[] = ['private_key', 'aws_access_key', 'aws_secret_key', 'github_token', 'slack_token', 'openai_api_key', 'secret_keyword'];

export function hideSecrets(): GuardrailEngine {
  return contentFilter({
    guardrail: 'litellm_content_filter',
    mode: 'pre_call',
    // One tag for every kind of secret, as LiteLLM writes it.
    pattern_redaction_format: '[REDACTED]',
    patterns: SECRETS.map((name) => ({ pattern_type: 'prebuilt', pattern_name: name, action: 'MASK' })),
  });
}
