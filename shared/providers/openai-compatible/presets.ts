// The OpenAI-compatible providers, as data: where they live, how they take a key, and their quirks.
// Adding one is adding an entry here; the code that calls them is ./provider.ts.
import type { Deployment } from '../../config/types.ts';

export interface OpenAICompatiblePreset {
  name: string;
  /** Base URL including the version path, used when `api_base` is not set. */
  defaultApiBase?: string;
  /** Appended to an `api_base` given without it (`http://host:port` → `http://host:port/v1`). */
  versionPath: string;
  /** How the key travels: `Authorization: Bearer`, or Azure's `api-key` header. */
  auth: 'bearer' | 'api-key';
  apiKeyEnv?: string;
  requiresApiKey: boolean;
  requiresApiBase: boolean;
  /** OpenAI parameters the provider's API refuses. */
  unsupportedParams?: string[];
  /** OpenAI parameter names the provider spells differently. */
  renamedParams?: Record<string, string>;
  /** Serves OpenAI's reasoning models, which take max_completion_tokens instead of max_tokens. */
  openAIReasoningModels?: true;
  /** Prepended to an upstream model id given without a path (Fireworks' `accounts/fireworks/models/`). */
  modelPrefix?: string;
  /** An endpoint's URL when it is not `<base>/<endpoint>` (Azure's deployment URLs). */
  endpointUrl?: (base: string, deployment: Deployment, endpoint: OpenAIEndpoint) => string;
  /** The price table's section for the provider's models (shared/pricing/prices.json); none: priced by config alone. */
  priceSection?: string;
  /** `false` for providers with no embeddings API: their models answer POST /v1/embeddings with a 400. */
  embeddings?: false;
  /** The provider serves OpenAI's images API, generations and edits (./media.ts). */
  images?: true;
  /** The provider serves OpenAI's audio transcriptions and translations (./media.ts). */
  transcriptions?: true;
  /** The provider serves OpenAI's text-to-speech (./media.ts). */
  speech?: true;
  /** The provider serves OpenAI's moderations (./media.ts). */
  moderations?: true;
  /** The provider also serves rerank at `<base>/rerank`, in Jina's shape (vLLM, Infinity, Together). */
  rerank?: true;
}

export type OpenAIEndpoint = 'chat/completions' | 'embeddings' | 'images/generations' | 'images/edits' | 'audio/transcriptions' | 'audio/translations' | 'audio/speech' | 'moderations' | 'rerank';

export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

export const OPENAI_COMPATIBLE_PRESETS: OpenAICompatiblePreset[] = [
  {
    name: 'openai',
    defaultApiBase: 'https://api.openai.com/v1',
    versionPath: '/v1',
    auth: 'bearer',
    apiKeyEnv: 'OPENAI_API_KEY',
    requiresApiKey: true,
    requiresApiBase: false,
    openAIReasoningModels: true,
    priceSection: 'openai',
    images: true,
    transcriptions: true,
    speech: true,
    moderations: true,
  },
  {
    name: 'azure',
    versionPath: '',
    images: true,
    transcriptions: true,
    speech: true,
    priceSection: 'openai',
    openAIReasoningModels: true,
    auth: 'api-key',
    apiKeyEnv: 'AZURE_API_KEY',
    requiresApiKey: true,
    requiresApiBase: true,
    // https://{resource}.openai.azure.com/openai/deployments/{deployment}/{chat/completions|embeddings}?api-version=...
    endpointUrl: (base, deployment, endpoint) => {
      const root = base.replace(/\/openai$/, '');
      const version = deployment.apiVersion ?? AZURE_DEFAULT_API_VERSION;
      return `${root}/openai/deployments/${encodeURIComponent(deployment.upstreamModel)}/${endpoint}?api-version=${encodeURIComponent(version)}`;
    },
  },
  { name: 'ollama', defaultApiBase: 'http://localhost:11434/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'OLLAMA_API_KEY', requiresApiKey: false, requiresApiBase: false },
  { name: 'ollama_chat', defaultApiBase: 'http://localhost:11434/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'OLLAMA_API_KEY', requiresApiKey: false, requiresApiBase: false },
  { name: 'hosted_vllm', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'HOSTED_VLLM_API_KEY', requiresApiKey: false, requiresApiBase: true, rerank: true },
  { name: 'lm_studio', defaultApiBase: 'http://localhost:1234/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'LM_STUDIO_API_KEY', requiresApiKey: false, requiresApiBase: false },
  {
    name: 'groq',
    defaultApiBase: 'https://api.groq.com/openai/v1',
    versionPath: '/openai/v1',
    auth: 'bearer',
    apiKeyEnv: 'GROQ_API_KEY',
    requiresApiKey: true,
    requiresApiBase: false,
    embeddings: false,
    transcriptions: true,
    priceSection: 'groq',
    unsupportedParams: ['logit_bias', 'logprobs', 'top_logprobs'],
  },
  {
    name: 'mistral',
    defaultApiBase: 'https://api.mistral.ai/v1',
    versionPath: '/v1',
    auth: 'bearer',
    apiKeyEnv: 'MISTRAL_API_KEY',
    requiresApiKey: true,
    requiresApiBase: false,
    priceSection: 'mistral',
    unsupportedParams: ['logit_bias', 'logprobs', 'top_logprobs'],
    renamedParams: { seed: 'random_seed' },
  },
  {
    name: 'deepseek',
    defaultApiBase: 'https://api.deepseek.com/v1',
    versionPath: '/v1',
    auth: 'bearer',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    requiresApiKey: true,
    requiresApiBase: false,
    embeddings: false,
    priceSection: 'deepseek',
  },
  {
    name: 'xai',
    defaultApiBase: 'https://api.x.ai/v1',
    versionPath: '/v1',
    auth: 'bearer',
    apiKeyEnv: 'XAI_API_KEY',
    requiresApiKey: true,
    requiresApiBase: false,
    embeddings: false,
    priceSection: 'xai',
  },
  { name: 'openrouter', defaultApiBase: 'https://openrouter.ai/api/v1', versionPath: '/api/v1', auth: 'bearer', apiKeyEnv: 'OPENROUTER_API_KEY', requiresApiKey: true, requiresApiBase: false },
  {
    name: 'together_ai',
    defaultApiBase: 'https://api.together.xyz/v1',
    versionPath: '/v1',
    auth: 'bearer',
    apiKeyEnv: 'TOGETHERAI_API_KEY',
    requiresApiKey: true,
    requiresApiBase: false,
    rerank: true,
  },
  {
    name: 'fireworks_ai',
    defaultApiBase: 'https://api.fireworks.ai/inference/v1',
    versionPath: '/inference/v1',
    auth: 'bearer',
    apiKeyEnv: 'FIREWORKS_AI_API_KEY',
    requiresApiKey: true,
    requiresApiBase: false,
    modelPrefix: 'accounts/fireworks/models/',
  },
  {
    name: 'perplexity',
    defaultApiBase: 'https://api.perplexity.ai',
    versionPath: '',
    auth: 'bearer',
    apiKeyEnv: 'PERPLEXITYAI_API_KEY',
    requiresApiKey: true,
    requiresApiBase: false,
    embeddings: false,
    unsupportedParams: ['tools', 'tool_choice', 'parallel_tool_calls', 'logit_bias', 'logprobs', 'top_logprobs'],
  },
];
