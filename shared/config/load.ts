// Turns a LiteLLM-shaped config, already parsed (from YAML by `npm start`, or from the JSON the stack
// bundles with the Lambdas, see infra/deployed-config.ts), into a GatewayConfig: resolve `os.environ/NAME`,
// validate, and collect once-at-start warnings. Invalid configs throw ConfigError naming the source and problem.
import { createHash } from 'node:crypto';
import type * as z from 'zod';
import { issuePath } from '../core/invalid-request.ts';
import { DEFAULT_MAX_REQUEST_BYTES } from '../core/request-body.ts';
import { toMcpServers } from '../mcp/servers.ts';
import { toCacheSettings } from './cache-settings.ts';
import { toObservabilitySettings } from './callbacks.ts';
import { durationMs } from './duration.ts';
import { JWT_AUTH_KEYS, toJwtAuthSettings } from './jwt-auth.ts';
import { toHealthCheckSettings } from './health-check-settings.ts';
import { toRouterSettings } from './router-settings.ts';
import { configSchema, SUPPORTED_KEYS, type RawConfig } from './schema.ts';
import { WildcardPattern } from './wildcard-pattern.ts';
import { ANY_PROVIDER, ConfigError, type Deployment, type GatewayConfig, type ProviderRequirements } from './types.ts';

/** OpenAI keeps stored responses 30 days; so does the gateway unless told otherwise. */
const DEFAULT_RESPONSES_RETENTION_DAYS = 30;

export type EnvLookup = (name: string) => string | undefined;
export type ProviderLookup = (prefix: string) => ProviderRequirements | undefined;
/** The provider the price table lists a bare model id under (`gpt-3.5-turbo` → openai), as LiteLLM infers it. */
export type BareModelLookup = (model: string) => string | undefined;

const ENV_PREFIX = 'os.environ/';
const DEFAULT_TIMEOUT_SECONDS = 600;
const MB = 1024 * 1024;
/** LiteLLM has no answer size limit by default; 64 MB holds 2048 embeddings of 1536 floats as OpenAI writes them (README: "Limits"). */
const DEFAULT_MAX_RESPONSE_BYTES = 64 * MB;

export function loadConfigDocument(document: unknown, source: string, env: EnvLookup, providers: ProviderLookup, bareModels: BareModelLookup = () => undefined): GatewayConfig {
  const top = document ?? {};
  if (typeof top !== 'object' || Array.isArray(top)) throw new ConfigError(source, ['the top level must be a mapping (model_list:, general_settings:, ...)']);

  const missing: Array<{ path: string; name: string }> = [];
  const resolved = resolveEnv(top, '', env, missing);
  const parsed = configSchema.safeParse(resolved);
  if (!parsed.success) throw new ConfigError(source, parsed.error.issues.map(describeIssue));
  const raw = parsed.data;

  const problems: string[] = [];
  for (const { path, name } of missing) {
    if (!path.startsWith('model_list[')) problems.push(`${path}: environment variable ${name} is not set`);
  }
  const warnings: string[] = [];
  const ignored = unsupportedKeys(raw, providers);
  if (ignored.length) warnings.push(`${source}: ignoring keys Tollgate does not support yet: ${ignored.join(', ')}`);
  // LiteLLM's router takes these from litellm_settings when router_settings has none.
  const litellmRouting = { num_retries: raw.litellm_settings?.num_retries, context_window_fallbacks: raw.litellm_settings?.context_window_fallbacks };
  const router = toRouterSettings({ ...litellmRouting, ...raw.router_settings }, servedNames(raw), source, problems, warnings);

  const deployments: Deployment[] = [];
  const disabled: GatewayConfig['disabled'] = [];
  for (const [index, entry] of raw.model_list.entries()) {
    const at = `model_list[${index}]`;
    const result = toDeployment(entry, index, env, providers, bareModels, raw);
    if ('problem' in result) {
      problems.push(`${at}.litellm_params.model: ${result.problem}`);
      continue;
    }
    const unset = missing.filter((m) => m.path.startsWith(`${at}.`));
    const reason = unset.length ? `environment variable ${unset.map((m) => m.name).join(', ')} is not set` : result.missingCredential;
    if (reason) {
      disabled.push({ modelName: entry.model_name, reason });
      warnings.push(`${source}: model "${entry.model_name}" (${at}) is disabled: ${reason}`);
      continue;
    }
    deployments.push(result.deployment);
  }
  const modelNames = new Set(raw.model_list.map((entry) => entry.model_name));
  const cache = toCacheSettings(raw.litellm_settings?.cache, raw.litellm_settings?.cache_params, modelNames, source, problems, warnings);
  const mcpServers = toMcpServers(raw.mcp_servers, problems);
  if (problems.length) throw new ConfigError(source, problems);

  return {
    source,
    deployments,
    disabled,
    masterKey: raw.general_settings?.master_key,
    maxRequestBytes: megabytes(raw.general_settings?.max_request_size_mb) ?? DEFAULT_MAX_REQUEST_BYTES,
    dropParams: raw.litellm_settings?.drop_params ?? false,
    responsesRetentionMs: (raw.general_settings?.responses_retention_days ?? DEFAULT_RESPONSES_RETENTION_DAYS) * 86_400_000,
    costMargins: raw.litellm_settings?.cost_margin_config,
    guardrails: [...(raw.guardrails ?? []), ...(raw.litellm_settings?.guardrails ?? [])],
    mcpServers,
    router,
    cache,
    spend: {
      allowRequestsOnDbUnavailable: raw.general_settings?.allow_requests_on_db_unavailable ?? false,
      spendLogsRetentionMs: raw.general_settings?.maximum_spend_logs_retention_period === undefined ? undefined : durationMs(raw.general_settings.maximum_spend_logs_retention_period),
      alertWebhookUrl: raw.general_settings?.alert_webhook_url,
      timeZone: raw.litellm_settings?.timezone,
    },
    observability: toObservabilitySettings(raw.litellm_settings, env, source, warnings),
    jwtAuth: toJwtAuthSettings(raw.general_settings?.enable_jwt_auth, raw.general_settings?.litellm_jwtauth, env, warnings),
    healthChecks: toHealthCheckSettings(raw),
    storedVirtualKeys: storedVirtualKeys(raw.general_settings, warnings, source),
    warnings,
    ignoredKeys: ignored,
    document: top as Record<string, unknown>,
    defaultInternalUserParams: raw.litellm_settings?.default_internal_user_params,
  };
}

type DeploymentResult = { deployment: Deployment; missingCredential?: string } | { problem: string };

/** `raw` gives the router-wide timeouts a deployment without its own uses, and the answer size cap. */
function toDeployment(entry: RawConfig['model_list'][number], index: number, env: EnvLookup, providers: ProviderLookup, bareModels: BareModelLookup, raw: RawConfig): DeploymentResult {
  const router = raw.router_settings;
  const params = entry.litellm_params;
  // LiteLLM's "route any model": `model: "*"` takes each request's provider from its model name.
  const anyProvider = params.model === ANY_PROVIDER;
  if (anyProvider && !WildcardPattern.isPattern(entry.model_name)) {
    return { problem: `"*" sends each request to the provider its model name names, so model_name must be a pattern too, e.g. "*" (it is "${entry.model_name}")` };
  }
  const slash = params.model.indexOf('/');
  // A bare name (LiteLLM's own sample config has `model: gpt-3.5-turbo`) goes to the provider the price table lists it under.
  const bareProvider = anyProvider || slash > 0 ? undefined : bareModels(params.model);
  if (!anyProvider && slash <= 0 && !bareProvider) return { problem: `"${params.model}" has no provider prefix; write it as "<provider>/<model>", e.g. "openai/${params.model}"` };
  const provider = anyProvider ? ANY_PROVIDER : (bareProvider ?? params.model.slice(0, slash));
  const requirements = anyProvider ? { requiresApiKey: false, requiresApiBase: false } : providers(provider);
  if (!requirements) return { problem: `unknown provider "${provider}" in "${params.model}"` };

  const apiKey = params.api_key ?? envKey(requirements.apiKeyEnv, env);
  let missingCredential: string | undefined;
  if (requirements.requiresApiKey && !apiKey) {
    missingCredential = `no api_key${requirements.apiKeyEnv ? ` and ${requirements.apiKeyEnv} is not set` : ''}`;
  } else if (requirements.requiresApiBase && !params.api_base) {
    return { problem: `provider "${provider}" needs litellm_params.api_base` };
  }
  const modelInfo = entry.model_info ?? {};
  const upstreamModel = anyProvider ? ANY_PROVIDER : bareProvider ? params.model : params.model.slice(slash + 1);
  const id =
    typeof modelInfo['id'] === 'string'
      ? modelInfo['id']
      : createHash('sha256')
          .update(JSON.stringify([index, entry.model_name, params.model, params.api_base ?? '']))
          .digest('hex')
          .slice(0, 16);

  return {
    missingCredential,
    deployment: {
      id,
      modelName: entry.model_name,
      provider,
      upstreamModel,
      apiBase: params.api_base,
      apiKey,
      apiVersion: params.api_version,
      // LiteLLM's request_timeout is every call's timeout where neither the deployment nor the router sets one.
      timeoutMs: (params.timeout ?? router?.timeout ?? raw.litellm_settings?.request_timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      maxResponseBytes: megabytes(raw.general_settings?.max_response_size_mb) ?? DEFAULT_MAX_RESPONSE_BYTES,
      streamTimeoutMs: secondsToMs(params.stream_timeout ?? router?.stream_timeout),
      extraHeaders: params.extra_headers ?? {},
      weight: params.weight,
      rpm: params.rpm,
      tpm: params.tpm,
      maxRetries: params.max_retries,
      numRetries: params.num_retries,
      cooldownTimeMs: secondsToMs(params.cooldown_time),
      maxInputTokens: modelInfo.max_input_tokens,
      order: params.order,
      tags: params.tags,
      apiKeyOf: anyProvider ? (name) => params.api_key ?? envKey(providers(name)?.apiKeyEnv, env) : undefined,
      params,
      modelInfo,
    },
  };
}

function envKey(name: string | undefined, env: EnvLookup): string | undefined {
  return name === undefined ? undefined : env(name) || undefined;
}

/** Whether a request for a name lands on some entry of the file: its `model_name`, a wildcard `model_name` matching it, or an alias of one. */
function servedNames(raw: RawConfig): (name: string) => boolean {
  const exact = new Set(raw.model_list.map((entry) => entry.model_name));
  const patterns = [...exact].filter(WildcardPattern.isPattern).map((name) => new WildcardPattern(name));
  const direct = (name: string) => exact.has(name) || patterns.some((pattern) => pattern.match(name));
  const aliases = raw.router_settings?.model_group_alias ?? {};
  return (name) => {
    const alias = aliases[name];
    return direct(alias === undefined ? name : typeof alias === 'string' ? alias : alias.model);
  };
}

/** LiteLLM's MB: 1024 × 1024 bytes; fractions allowed. */
function megabytes(mb: number | undefined): number | undefined {
  return mb === undefined ? undefined : Math.max(1, Math.floor(mb * MB));
}

function secondsToMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}

/** Replaces every `os.environ/NAME` string with the variable's value; unset ones become undefined and are recorded. */
function resolveEnv(value: unknown, path: string, env: EnvLookup, missing: Array<{ path: string; name: string }>): unknown {
  if (typeof value === 'string' && value.startsWith(ENV_PREFIX)) {
    const name = value.slice(ENV_PREFIX.length);
    const found = env(name);
    if (found === undefined || found === '') missing.push({ path, name });
    return found || undefined;
  }
  if (Array.isArray(value)) return value.map((item, i) => resolveEnv(item, `${path}[${i}]`, env, missing));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnv(v, path ? `${path}.${k}` : k, env, missing)]));
  }
  return value;
}

function unsupportedKeys(raw: RawConfig, providers: ProviderLookup): string[] {
  const extra = (object: object | undefined, allowed: readonly string[], at: string) =>
    Object.keys(object ?? {})
      .filter((k) => !allowed.includes(k))
      .map((k) => (at ? `${at}.${k}` : k));
  const found = [
    ...extra(raw, SUPPORTED_KEYS.top, ''),
    ...extra(raw.general_settings, SUPPORTED_KEYS.general_settings, 'general_settings'),
    ...extra(raw.router_settings, SUPPORTED_KEYS.router_settings, 'router_settings'),
    ...extra(raw.router_settings?.routing_strategy_args, SUPPORTED_KEYS.routing_strategy_args, 'router_settings.routing_strategy_args'),
    ...extra(raw.router_settings?.retry_policy, SUPPORTED_KEYS.retry_policy, 'router_settings.retry_policy'),
    ...Object.entries(raw.router_settings?.model_group_retry_policy ?? {}).flatMap(([group, policy]) =>
      extra(policy, SUPPORTED_KEYS.retry_policy, `router_settings.model_group_retry_policy.${group}`),
    ),
    ...extra(raw.router_settings?.allowed_fails_policy, SUPPORTED_KEYS.allowed_fails_policy, 'router_settings.allowed_fails_policy'),
    ...extra(raw.litellm_settings, SUPPORTED_KEYS.litellm_settings, 'litellm_settings'),
    ...extra(raw.general_settings?.litellm_jwtauth, JWT_AUTH_KEYS, 'general_settings.litellm_jwtauth'),
  ];
  raw.model_list.forEach((entry, i) => {
    found.push(...extra(entry, SUPPORTED_KEYS.entry, `model_list[${i}]`));
    const providerParams = providers(entry.litellm_params.model.split('/')[0]!)?.extraParams ?? [];
    found.push(...extra(entry.litellm_params, [...SUPPORTED_KEYS.litellm_params, ...providerParams], `model_list[${i}].litellm_params`));
  });
  return found;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return `${issuePath(issue) || '(top level)'}: ${issue.message}`;
}

/** LiteLLM's `store_virtual_keys`: served with AWS Secrets Manager only (the one secret manager a Tollgate deployment has). */
function storedVirtualKeys(general: RawConfig['general_settings'], warnings: string[], source: string): GatewayConfig['storedVirtualKeys'] {
  if (general?.key_management_settings?.store_virtual_keys !== true) return undefined;
  if (general.key_management_system !== 'aws_secret_manager') {
    warnings.push(`${source}: key_management_settings.store_virtual_keys needs key_management_system: aws_secret_manager (Tollgate stores keys only there); rotated keys are not stored.`);
    return undefined;
  }
  return { prefix: general.key_management_settings.prefix_for_stored_virtual_keys ?? 'litellm/' };
}
