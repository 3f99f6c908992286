// The gateway's configuration after loading: what the rest of the code reads, never the raw YAML.
import type { GuardrailEntry } from '../guardrails/config-schema.ts';
import type { McpServer } from '../mcp/servers.ts';
import type { MarginConfig } from '../pricing/margin.ts';
import type { CacheSettings } from './cache-settings.ts';
import type { ObservabilitySettings } from './callbacks.ts';
import type { JwtAuthSettings } from './jwt-auth.ts';
import type { HealthCheckSettings } from './health-check-settings.ts';

/** The `provider` of a `model: "*"` deployment: each request's model name says which provider serves it (shared/router/provider-inference.ts). */
export const ANY_PROVIDER = '*';

/** One `model_list` entry, enabled, with every `os.environ/` value resolved. Holds a credential: never log it whole. */
export interface Deployment {
  /** `model_info.id`, else a stable hash of the entry. Sent back in `x-tollgate-model-id`. */
  id: string;
  /** The public name clients send as `model`. */
  modelName: string;
  /** The provider prefix of `litellm_params.model`, e.g. `openai`, `azure`, `anthropic`. */
  provider: string;
  /** `litellm_params.model` without the provider prefix. */
  upstreamModel: string;
  apiBase?: string;
  apiKey?: string;
  apiVersion?: string;
  /** Whole-request timeout. */
  timeoutMs: number;
  /** `general_settings.max_response_size_mb`: the most a non-streamed answer may hold, in bytes. */
  maxResponseBytes: number;
  /** For streams: time allowed until the upstream's first byte. */
  streamTimeoutMs?: number;
  extraHeaders: Record<string, string>;
  weight?: number;
  rpm?: number;
  tpm?: number;
  /** `litellm_params.max_retries`: how often one request may retry on this deployment. */
  maxRetries?: number;
  /** `litellm_params.num_retries`: how many retries a failure here allows, where the router's `num_retries` would say. */
  numRetries?: number;
  /** `litellm_params.cooldown_time`, overriding the router's. */
  cooldownTimeMs?: number;
  /** `model_info.max_input_tokens`: prompts estimated larger skip this deployment. */
  maxInputTokens?: number;
  /** `litellm_params.order`: the priority tier (lower first); deployments without one come after every tier. */
  order?: number;
  /** `litellm_params.tags`: which tagged requests it serves when `enable_tag_filtering` is on. */
  tags?: string[];
  /**
   * `model: "*"` only (its `provider` is `ANY_PROVIDER` until a request names a model): the API key
   * for the provider a request lands on, `api_key` or that provider's environment variable.
   */
  apiKeyOf?: (provider: string) => string | undefined;
  /** All of `litellm_params`, resolved, for provider-specific keys. */
  params: Record<string, unknown>;
  modelInfo: Record<string, unknown>;
}

export interface GatewayConfig {
  /** Where the config came from, for messages. */
  source: string;
  deployments: Deployment[];
  /** Deployments left out because a variable they name is unset or they lack a credential. */
  disabled: Array<{ modelName: string; reason: string }>;
  masterKey?: string;
  dropParams: boolean;
  /** `litellm_settings.cost_margin_config`: what keys are charged on top of provider cost. */
  costMargins?: MarginConfig;
  router: RouterSettings;
  /** Spend ledger and limits (`general_settings`). */
  spend: SpendSettings;
  /** `general_settings.max_request_size_mb` in bytes: the most an authenticated caller's body may hold. */
  maxRequestBytes: number;
  /** `litellm_settings.cache` with `cache_params`; undefined when responses are not cached. */
  cache?: CacheSettings;
  /** `guardrails:` (top level, or under `litellm_settings` as LiteLLM also reads it), checked per engine. */
  guardrails: GuardrailEntry[];
  /** `mcp_servers:`: the upstream MCP servers `/mcp` fronts. */
  mcpServers: McpServer[];
  /** LiteLLM's logging callbacks: what is exported after each response, and where to. */
  observability: ObservabilitySettings;
  /** Background health checks and routing by their results. */
  healthChecks: HealthCheckSettings;
  /** Once-at-start warnings: ignored keys, disabled deployments. */
  warnings: string[];
  /** `general_settings.responses_retention_days` in ms: how long stored Responses API answers are kept. */
  responsesRetentionMs: number;
  /** `key_management_settings.store_virtual_keys` with `key_management_system: aws_secret_manager`: rotated keys are written to AWS Secrets Manager under `prefix` (LiteLLM's default `litellm/`). */
  storedVirtualKeys?: { prefix: string };
  /** The keys of the file Tollgate does not act on, by path (`router_settings.redis_host`). */
  ignoredKeys: string[];
  /** The config as written, `os.environ/` references unresolved: shown, its secrets masked, by GET /config/yaml (shared/config/masked-config.ts). */
  document: Record<string, unknown>;
  /** `general_settings.enable_jwt_auth` with `litellm_jwtauth`: callers may present a JWT; undefined when off. */
  jwtAuth?: JwtAuthSettings;
  /** `litellm_settings.default_internal_user_params`: what a user made on first single sign-on gets, as /user/new takes it (shared/ui/new-user-defaults.ts). */
  defaultInternalUserParams?: Record<string, unknown>;
}

export interface SpendSettings {
  /** `allow_requests_on_db_unavailable`: pass model requests (unaccounted) when DynamoDB is down. */
  allowRequestsOnDbUnavailable: boolean;
  /** `maximum_spend_logs_retention_period`; undefined keeps spend records forever. */
  spendLogsRetentionMs?: number;
  /** `alert_webhook_url`: budget alerts are POSTed there as Slack-compatible JSON. */
  alertWebhookUrl?: string;
  /** `litellm_settings.timezone`: the IANA zone budget periods start in; default UTC. */
  timeZone?: string;
}

export type RoutingStrategyName = 'simple-shuffle' | 'least-busy' | 'latency-based-routing' | 'usage-based-routing' | 'cost-based-routing';

/** Model group → the groups to try, in order, when it fails. */
export type FallbackMap = ReadonlyMap<string, readonly string[]>;

/** LiteLLM's exception classes, by which `retry_policy` (`<class>Retries`) and `allowed_fails_policy` (`<class>AllowedFails`) count. */
export const LITELLM_ERROR_CLASSES = ['BadRequestError', 'AuthenticationError', 'TimeoutError', 'RateLimitError', 'ContentPolicyViolationError', 'InternalServerError'] as const;
export type LiteLLMErrorClass = (typeof LITELLM_ERROR_CLASSES)[number];

/** A count per class of failure: retries (LiteLLM's `retry_policy`), or failures allowed before a cooldown (`allowed_fails_policy`). */
export type CountsByErrorClass = Partial<Record<LiteLLMErrorClass, number>>;

/** `model_group_alias`: the model group a name stands for; `hidden` leaves the name out of the model lists. */
export interface ModelGroupAlias {
  model: string;
  hidden: boolean;
}

/** `router_settings`, with LiteLLM's defaults filled in. */
export interface RouterSettings {
  strategy: RoutingStrategyName;
  /** latency-based-routing: how long a measurement counts, and the margin within which deployments tie. */
  latencyTtlMs: number;
  latencyBuffer: number;
  numRetries: number;
  /** Retries per class of failure, overriding `numRetries`; a model group's own policy overrides this one. */
  retryPolicy: CountsByErrorClass;
  modelGroupRetryPolicy: ReadonlyMap<string, CountsByErrorClass>;
  fallbacks: FallbackMap;
  /** `default_fallbacks`: the groups any model without fallbacks of its own falls back to. */
  defaultFallbacks: readonly string[];
  contextWindowFallbacks: FallbackMap;
  contentPolicyFallbacks: FallbackMap;
  maxFallbacks: number;
  /**
   * A deployment failing more than this many times in a minute cools down; undefined when neither
   * `allowed_fails` nor `allowed_fails_policy` is set, and more than half of a minute's calls failing does.
   */
  allowedFails?: number;
  /** Failures allowed per class before a cooldown, overriding `allowedFails` for that class. */
  allowedFailsPolicy: CountsByErrorClass;
  cooldownTimeMs: number;
  modelGroupAlias: ReadonlyMap<string, ModelGroupAlias>;
  /** `enable_tag_filtering`: requests' tags choose among a group's deployments by their `tags`. */
  enableTagFiltering: boolean;
  /** `enable_pre_call_checks`: deployments whose context window (config, else the price table's) is too small for the prompt are skipped. */
  enablePreCallChecks: boolean;
}

/** What the config loader needs to know of a provider, from the provider registry. */
export interface ProviderRequirements {
  /** Environment variable LiteLLM reads the provider's key from when `api_key` is absent. */
  apiKeyEnv?: string;
  /** Whether a call without any key is pointless (hosted APIs) or normal (Ollama, vLLM). */
  requiresApiKey: boolean;
  requiresApiBase: boolean;
  /** `litellm_params` keys the provider reads beyond the common ones. */
  extraParams?: readonly string[];
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not a valid Tollgate config:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The master key of the default config: public knowledge, so loopback only and never deployed. */
export const DEV_MASTER_KEY = 'sk-tollgate-dev';
