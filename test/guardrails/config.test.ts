// The `guardrails:` config list: LiteLLM's shape taken as it is (top level or under litellm_settings),
// and each engine's parameters checked at start, so a guardrail that cannot run fails the config
// instead of letting requests through unguarded.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config/types.ts';
import { testConfig } from '../helpers/gateway.ts';

const MODEL = `
model_list:
  - model_name: m
    litellm_params: { model: mock/x }
`;
const problems = (yaml: string, env: Record<string, string> = {}): string[] => {
  try {
    testConfig(MODEL + yaml, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('guardrails config', () => {
  it("reads LiteLLM's entries at the top level and under litellm_settings, with no warning", () => {
    const config = testConfig(
      `${MODEL}
guardrails:
  - guardrail_name: a
    litellm_params: { guardrail: litellm_content_filter, mode: [pre_call, post_call], default_on: true, blocked_words: [{ keyword: x, action: BLOCK }] }
litellm_settings:
  guardrails:
    - guardrail_name: b
      litellm_params: { guardrail: generic_guardrail_api, mode: during_call, api_base: http://127.0.0.1:9, api_key: os.environ/GUARD_KEY, unreachable_fallback: fail_open }
`,
      { GUARD_KEY: 'k' },
    );
    expect(config.guardrails.map((g) => [g.guardrail_name, g.litellm_params.guardrail, g.litellm_params.mode])).toEqual([
      ['a', 'litellm_content_filter', ['pre_call', 'post_call']],
      ['b', 'generic_guardrail_api', 'during_call'],
    ]);
    expect(config.warnings).toEqual([]);
  });

  it('refuses what it cannot run, naming the field and what would do', () => {
    const entry = (params: string) => `
guardrails:
  - guardrail_name: g
    litellm_params: { ${params} }
`;
    expect(problems(entry('guardrail: lakera, mode: pre_call'))[0]).toContain(
      'guardrail must be one Tollgate runs: litellm_content_filter, hide-secrets, bedrock, generic_guardrail_api, presidio, openai_moderation',
    );
    expect(problems(entry('guardrail: litellm_content_filter, mode: sometimes'))[0]).toContain('guardrails[0].litellm_params.mode');
    expect(problems(entry('guardrail: litellm_content_filter, mode: pre_call, patterns: [{ pattern_type: prebuilt, pattern_name: zip_code, action: MASK }]'))[0]).toMatch(
      /patterns\[0\]\.pattern_name: must be one of email, .*private_key/,
    );
    expect(problems(entry("guardrail: litellm_content_filter, mode: pre_call, patterns: [{ pattern_type: regex, pattern: '([a-z', name: x, action: MASK }]"))[0]).toContain(
      'patterns[0].pattern: is not a valid regular expression',
    );
    expect(problems(entry('guardrail: litellm_content_filter, mode: pre_call, blocked_words: [{ keyword: x, action: REDACT }]'))[0]).toContain('must be "BLOCK" or "MASK"');
    expect(problems(entry('guardrail: bedrock, mode: pre_call, guardrailVersion: DRAFT'))[0]).toContain('guardrailIdentifier: is required');
    expect(problems(entry('guardrail: generic_guardrail_api, mode: pre_call, api_base: os.environ/GUARD_URL'))[0]).toBe(
      'guardrails[0].litellm_params.api_base: must be an http(s) URL (from an os.environ/ variable: one that is set)',
    );
    expect(
      problems(`
guardrails:
  - { guardrail_name: g, litellm_params: { guardrail: litellm_content_filter, mode: pre_call } }
  - { guardrail_name: g, litellm_params: { guardrail: litellm_content_filter, mode: post_call } }
`)[0],
    ).toContain('each guardrail_name must be unique');
  });
});
