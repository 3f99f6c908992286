// The gateway's configuration after loading: what the rest of the code reads, never the raw YAML.

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
  /** For streams: time allowed until the upstream's first byte. */
  streamTimeoutMs?: number;
  extraHeaders: Record<string, string>;
  weight?: number;
  rpm?: number;
  tpm?: number;
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
  /** Once-at-start warnings: ignored keys, disabled deployments. */
  warnings: string[];
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
  constructor(readonly source: string, readonly problems: string[]) {
    super(`${source} is not a valid Tollgate config:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The master key of the default config: public knowledge, so loopback only and never deployed. */
export const DEV_MASTER_KEY = 'sk-tollgate-dev';
