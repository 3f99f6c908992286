// router_settings and the deployment keys the router reads, loaded from LiteLLM's config shape.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config/types.ts';
import { configOf } from './support.ts';

describe('router_settings in the config', () => {
  it("fills in LiteLLM's defaults", () => {
    const { router } = configOf('model_list: []\n');
    expect(router).toMatchObject({ strategy: 'simple-shuffle', numRetries: 2, maxFallbacks: 5, cooldownTimeMs: 5000, latencyBuffer: 0, enableTagFiltering: false, enablePreCallChecks: false });
    // Neither allowed_fails nor allowed_fails_policy: a deployment cools down on its failure rate.
    expect(router.allowedFails).toBeUndefined();
    expect(router.fallbacks.size).toBe(0);
  });

  it('reads every key without warning about it', () => {
    const config = configOf(`
model_list:
  - model_name: gpt-4o
    litellm_params: { model: mock/a, timeout: 30, stream_timeout: 5, max_retries: 1, cooldown_time: 9, input_cost_per_token: 0.000002, output_cost_per_token: 0.000008 }
    model_info: { id: dep-a, max_input_tokens: 128000 }
  - model_name: gpt-4o
    litellm_params: { model: mock/b }
    model_info: { id: dep-b, input_cost_per_token: 0.000001, output_cost_per_token: 0.000004 }
  - model_name: claude
    litellm_params: { model: mock/c }
router_settings:
  routing_strategy: latency-based-routing
  routing_strategy_args: { ttl: 120, lowest_latency_buffer: 0.2 }
  num_retries: 4
  retry_policy: { RateLimitErrorRetries: 5, TimeoutErrorRetries: 1, InternalServerErrorRetries: 2, BadRequestErrorRetries: 1, AuthenticationErrorRetries: 0, ContentPolicyViolationErrorRetries: 3 }
  model_group_retry_policy: { claude: { RateLimitErrorRetries: 0 } }
  allowed_fails_policy: { RateLimitErrorAllowedFails: 10, InternalServerErrorAllowedFails: 2 }
  default_fallbacks: [claude]
  model_group_alias: { gpt-4: gpt-4o, secret: { model: claude, hidden: true } }
  enable_tag_filtering: true
  enable_pre_call_checks: true
  timeout: 40
  stream_timeout: 12
  fallbacks: [{ gpt-4o: [claude] }]
  context_window_fallbacks: [{ gpt-4o: [claude] }, { claude: [gpt-4o] }]
  content_policy_fallbacks: [{ gpt-4o: [claude] }]
  max_fallbacks: 2
  allowed_fails: 1
  cooldown_time: 60
`);
    expect(config.warnings).toEqual([]);
    expect(config.router).toMatchObject({
      strategy: 'latency-based-routing',
      latencyTtlMs: 120_000,
      latencyBuffer: 0.2,
      numRetries: 4,
      retryPolicy: { RateLimitError: 5, TimeoutError: 1, InternalServerError: 2, BadRequestError: 1, AuthenticationError: 0, ContentPolicyViolationError: 3 },
      allowedFailsPolicy: { RateLimitError: 10, InternalServerError: 2 },
      defaultFallbacks: ['claude'],
      maxFallbacks: 2,
      allowedFails: 1,
      cooldownTimeMs: 60_000,
      enableTagFiltering: true,
      enablePreCallChecks: true,
    });
    expect(config.router.modelGroupRetryPolicy.get('claude')).toEqual({ RateLimitError: 0 });
    expect([...config.router.modelGroupAlias]).toEqual([
      ['gpt-4', { model: 'gpt-4o', hidden: false }],
      ['secret', { model: 'claude', hidden: true }],
    ]);
    expect([...config.router.contextWindowFallbacks]).toEqual([
      ['gpt-4o', ['claude']],
      ['claude', ['gpt-4o']],
    ]);
    const [a, b, c] = config.deployments;
    expect(a).toMatchObject({ timeoutMs: 30_000, streamTimeoutMs: 5_000, maxRetries: 1, cooldownTimeMs: 9_000, maxInputTokens: 128000 });
    expect(b).toMatchObject({ timeoutMs: 40_000, streamTimeoutMs: 12_000 });
    expect(c!.cooldownTimeMs).toBeUndefined();
  });

  it('refuses fallbacks that name a model the file does not define, and bad values, naming the path', () => {
    const problems = (yaml: string) => {
      try {
        configOf(yaml);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).message;
      }
      throw new Error('expected a ConfigError');
    };
    const models = 'model_list:\n  - model_name: m\n    litellm_params: { model: mock/x }\n';
    expect(problems(`${models}router_settings: { fallbacks: [{ m: [gpt-nope] }] }\n`)).toContain('router_settings.fallbacks[0]: "gpt-nope" is not a model_name in model_list');
    expect(problems(`${models}router_settings: { default_fallbacks: [gpt-nope] }\n`)).toContain('router_settings.default_fallbacks[0]: "gpt-nope" is not a model_name');
    expect(problems(`${models}router_settings: { model_group_alias: { gpt-4: gpt-nope } }\n`)).toContain('router_settings.model_group_alias.gpt-4: "gpt-nope" is not a model_name');
    // A wildcard model_name serves every name it matches, and an alias the name it stands for.
    const wildcard = 'model_list:\n  - model_name: "openai/*"\n    litellm_params: { model: "mock/*" }\n';
    expect(configOf(`${wildcard}router_settings: { fallbacks: [{ openai/a: [openai/b, fast] }], model_group_alias: { fast: openai/c } }\n`).router.fallbacks.get('openai/a')).toEqual([
      'openai/b',
      'fast',
    ]);
    expect(problems(`${models}router_settings: { num_retries: -1 }\n`)).toContain('router_settings.num_retries');
    expect(problems(`${models}router_settings: { fallbacks: { m: x } }\n`)).toContain('router_settings.fallbacks');
    expect(problems('model_list:\n  - model_name: m\n    litellm_params: { model: mock/x }\n    model_info: { max_input_tokens: lots }\n')).toContain('model_list[0].model_info.max_input_tokens');
  });

  it('warns about a routing strategy it does not implement and uses simple-shuffle', () => {
    const config = configOf('model_list: []\nrouter_settings: { routing_strategy: provider-budget-routing }\n');
    expect(config.router.strategy).toBe('simple-shuffle');
    expect(config.warnings.join('\n')).toContain('"provider-budget-routing" is not supported yet; using simple-shuffle');
    // Names every object inherits are not strategies either.
    for (const name of ['constructor', 'toString']) {
      const inherited = configOf(`model_list: []\nrouter_settings: { routing_strategy: ${name} }\n`);
      expect(inherited.router.strategy).toBe('simple-shuffle');
      expect(inherited.warnings.join('\n')).toContain(`"${name}" is not supported yet`);
    }
  });
});
