// LiteLLM's config.yaml shape, as far as Tollgate reads it. Sections are loose: keys not listed here
// are reported once at start by `unsupportedKeys` and otherwise ignored.
import * as z from 'zod';
import { cacheParamsSchema } from './cache-settings.ts';
import { guardrailListSchema } from '../guardrails/config-schema.ts';
import { mcpServersSchema } from '../mcp/config-schema.ts';
import { DURATION_HINT, durationMs } from './duration.ts';
import { jwtAuthSchema } from './jwt-auth.ts';
import { LITELLM_ERROR_CLASSES, type RoutingStrategyName } from './types.ts';

const positiveSeconds = z.number().positive();
const usdPerToken = z.number().min(0);
const retryCount = z.number().int().min(0);
/** LiteLLM's fallback lists: `[{"gpt-4o": ["claude-sonnet", "gpt-4o-mini"]}]`. */
const fallbackList = z.array(z.record(z.string(), z.array(z.string().min(1))));
/** LiteLLM's `retry_policy`: `{"RateLimitErrorRetries": 3, ...}`, one count per exception class. */
const retryPolicy = z.looseObject(Object.fromEntries(LITELLM_ERROR_CLASSES.map((name) => [`${name}Retries`, retryCount.optional()])));
/** LiteLLM's callback lists: `["prometheus", "otel"]`; a single name is taken as a list of one. */
const callbackList = z.union([
  z
    .string()
    .min(1)
    .transform((name) => [name]),
  z.array(z.string().min(1)),
]);

export const litellmParamsSchema = z.looseObject({
  model: z.string().min(1, 'must name "<provider>/<model>"'),
  api_base: z.url({ protocol: /^https?$/ }).optional(),
  api_key: z.string().optional(),
  api_version: z.string().optional(),
  timeout: positiveSeconds.optional(),
  stream_timeout: positiveSeconds.optional(),
  max_retries: retryCount.optional(),
  num_retries: retryCount.optional(),
  cooldown_time: positiveSeconds.optional(),
  input_cost_per_token: usdPerToken.optional(),
  output_cost_per_token: usdPerToken.optional(),
  rpm: z.number().int().positive().optional(),
  tpm: z.number().int().positive().optional(),
  weight: z.number().positive().optional(),
  order: z.number().int().min(0).optional(),
  tags: z.array(z.string().min(1)).optional(),
  extra_headers: z.record(z.string(), z.string()).optional(),
});

export const modelEntrySchema = z.looseObject({
  model_name: z.string().min(1),
  litellm_params: litellmParamsSchema,
  model_info: z
    .looseObject({
      max_input_tokens: z.number().int().positive().optional(),
      access_groups: z.array(z.string().min(1)).optional(),
      input_cost_per_token: usdPerToken.optional(),
      output_cost_per_token: usdPerToken.optional(),
    })
    .optional(),
});

export const routerSettingsSchema = z.looseObject({
  routing_strategy: z.string().optional(),
  routing_strategy_args: z
    .looseObject({
      ttl: positiveSeconds.optional(),
      lowest_latency_buffer: z.number().min(0).optional(),
    })
    .optional(),
  num_retries: retryCount.optional(),
  retry_policy: retryPolicy.optional(),
  model_group_retry_policy: z.record(z.string(), retryPolicy).optional(),
  allowed_fails_policy: z.looseObject(Object.fromEntries(LITELLM_ERROR_CLASSES.map((name) => [`${name}AllowedFails`, retryCount.optional()]))).optional(),
  default_fallbacks: z.array(z.string().min(1)).optional(),
  model_group_alias: z.record(z.string(), z.union([z.string().min(1), z.looseObject({ model: z.string().min(1), hidden: z.boolean().optional() })])).optional(),
  enable_tag_filtering: z.boolean().optional(),
  enable_pre_call_checks: z.boolean().optional(),
  enable_health_check_routing: z.boolean().optional(),
  timeout: positiveSeconds.optional(),
  stream_timeout: positiveSeconds.optional(),
  fallbacks: fallbackList.optional(),
  context_window_fallbacks: fallbackList.optional(),
  content_policy_fallbacks: fallbackList.optional(),
  max_fallbacks: retryCount.optional(),
  allowed_fails: retryCount.optional(),
  cooldown_time: z.number().min(0).optional(),
});

export const configSchema = z.looseObject({
  model_list: z.array(modelEntrySchema).default([]),
  general_settings: z
    .looseObject({
      master_key: z.string().min(1).optional(),
      allow_requests_on_db_unavailable: z.boolean().optional(),
      maximum_spend_logs_retention_period: z
        .string()
        .refine((text) => durationMs(text) !== undefined, `must be ${DURATION_HINT}`)
        .optional(),
      alert_webhook_url: z.url({ protocol: /^https?$/ }).optional(),
      max_request_size_mb: z.number().positive().optional(),
      max_response_size_mb: z.number().positive().optional(),
      responses_retention_days: z.number().positive().optional(),
      enable_jwt_auth: z.boolean().optional(),
      litellm_jwtauth: jwtAuthSchema.optional(),
      background_health_checks: z.boolean().optional(),
      health_check_interval: z.number().positive().optional(),
      enable_health_check_routing: z.boolean().optional(),
      health_check_staleness_threshold: z.number().positive().optional(),
      health_check_ignore_transient_errors: z.boolean().optional(),
      key_management_system: z.string().optional(),
      key_management_settings: z.looseObject({ store_virtual_keys: z.boolean().optional(), prefix_for_stored_virtual_keys: z.string().optional() }).optional(),
    })
    .optional(),
  router_settings: routerSettingsSchema.optional(),
  litellm_settings: z
    .looseObject({
      drop_params: z.boolean().optional(),
      num_retries: retryCount.optional(),
      context_window_fallbacks: fallbackList.optional(),
      request_timeout: positiveSeconds.optional(),
      timezone: z.string().refine(knownTimeZone, 'must be an IANA time zone such as "UTC" or "America/New_York"').optional(),
      cost_margin_config: z.record(z.string(), z.union([z.number().min(0), z.strictObject({ percentage: z.number().min(0).optional(), fixed_amount: z.number().min(0).optional() })])).optional(),
      cache: z.boolean().optional(),
      cache_params: cacheParamsSchema.optional(),
      guardrails: guardrailListSchema.optional(),
      callbacks: callbackList.optional(),
      success_callback: callbackList.optional(),
      failure_callback: callbackList.optional(),
      turn_off_message_logging: z.boolean().optional(),
      redact_user_api_key_info: z.boolean().optional(),
      require_auth_for_metrics_endpoint: z.boolean().optional(),
      // Checked as /user/new's body where users are made on first sign-in (shared/ui/new-user-defaults.ts).
      default_internal_user_params: z.record(z.string(), z.unknown()).optional(),
      s3_callback_params: z
        .looseObject({
          s3_bucket_name: z.string().min(1).optional(),
          s3_region_name: z.string().min(1).optional(),
          s3_path: z.string().optional(),
          s3_endpoint_url: z.url({ protocol: /^https?$/ }).optional(),
          s3_aws_access_key_id: z.string().optional(),
          s3_aws_secret_access_key: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  guardrails: guardrailListSchema.optional(),
  mcp_servers: mcpServersSchema.optional(),
});

export type RawConfig = z.infer<typeof configSchema>;

function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Keys Tollgate acts on today, per section. Everything else a LiteLLM file may hold is warned about. */
export const SUPPORTED_KEYS = {
  top: ['model_list', 'general_settings', 'router_settings', 'litellm_settings', 'guardrails', 'mcp_servers'],
  entry: ['model_name', 'litellm_params', 'model_info'],
  litellm_params: [
    'model',
    'api_base',
    'api_key',
    'api_version',
    'timeout',
    'stream_timeout',
    'rpm',
    'tpm',
    'weight',
    'order',
    'tags',
    'extra_headers',
    'max_retries',
    'num_retries',
    'cooldown_time',
    'input_cost_per_token',
    'output_cost_per_token',
    'cache_read_input_token_cost',
    'cache_creation_input_token_cost',
    'region_name',
  ],
  general_settings: [
    'master_key',
    'allow_requests_on_db_unavailable',
    'maximum_spend_logs_retention_period',
    'alert_webhook_url',
    'max_request_size_mb',
    'max_response_size_mb',
    'responses_retention_days',
    'enable_jwt_auth',
    'litellm_jwtauth',
    'background_health_checks',
    'health_check_interval',
    'enable_health_check_routing',
    'health_check_staleness_threshold',
    'health_check_ignore_transient_errors',
    'key_management_system',
    'key_management_settings',
  ],
  router_settings: [
    'routing_strategy',
    'routing_strategy_args',
    'num_retries',
    'retry_policy',
    'model_group_retry_policy',
    'allowed_fails_policy',
    'default_fallbacks',
    'model_group_alias',
    'enable_tag_filtering',
    'enable_pre_call_checks',
    'enable_health_check_routing',
    'timeout',
    'stream_timeout',
    'fallbacks',
    'context_window_fallbacks',
    'content_policy_fallbacks',
    'max_fallbacks',
    'allowed_fails',
    'cooldown_time',
  ],
  routing_strategy_args: ['ttl', 'lowest_latency_buffer'],
  retry_policy: LITELLM_ERROR_CLASSES.map((name) => `${name}Retries`),
  allowed_fails_policy: LITELLM_ERROR_CLASSES.map((name) => `${name}AllowedFails`),
  litellm_settings: [
    'drop_params',
    'cost_margin_config',
    'timezone',
    'num_retries',
    'context_window_fallbacks',
    'request_timeout',
    'cache',
    'cache_params',
    'guardrails',
    'callbacks',
    'success_callback',
    'failure_callback',
    'turn_off_message_logging',
    'redact_user_api_key_info',
    'require_auth_for_metrics_endpoint',
    's3_callback_params',
    'default_internal_user_params',
  ],
} as const;

/**
 * Routing strategies Tollgate implements, by the names LiteLLM accepts (`usage-based-routing-v2` is
 * LiteLLM's newer implementation of the same rule); others are warned about and fall back to simple-shuffle.
 */
export const SUPPORTED_ROUTING_STRATEGIES: Record<string, RoutingStrategyName> = {
  'simple-shuffle': 'simple-shuffle',
  'least-busy': 'least-busy',
  'latency-based-routing': 'latency-based-routing',
  'usage-based-routing': 'usage-based-routing',
  'usage-based-routing-v2': 'usage-based-routing',
  'cost-based-routing': 'cost-based-routing',
};
