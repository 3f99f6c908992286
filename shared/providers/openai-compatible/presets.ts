// The OpenAI-compatible providers, as data: where they live, how they take a key, and their quirks.
// Adding one is adding an entry here; the code that calls them is ./provider.ts.
import type { Deployment } from '../../config/types.ts';

export interface OpenAICompatiblePreset {
  name: string;
  /** Base URL including the version path, used when `api_base` is not set. */
  defaultApiBase?: string;
  /** Appended to an `api_base` given without it (`http://host:port` → `http://host:port/v1`). */
  versionPath: string;
  /**
   * How the key travels: `Authorization: Bearer`, Azure's `api-key` header, or (Azure AI Foundry, as
   * LiteLLM sends it) `api-key` to `*.services.ai.azure.com` and `*.openai.azure.com` hosts, Bearer elsewhere.
   */
  auth: 'bearer' | 'api-key' | 'api-key-on-azure-hosts';
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
  /** Where the price table lists the provider's models, tried before the provider's own name (LiteLLM's `litellm_provider`): Azure's `gpt-4o` priced as OpenAI's, `azure/gpt-35-turbo` as Azure's. */
  priceSection?: string;
  /** `false` for providers with no embeddings API: their models answer POST /v1/embeddings with a 400. */
  embeddings?: false;
  /** OpenAI's other model APIs the provider serves itself, so their requests go to it as they came (./native-api.ts). */
  nativeApis?: NativeApi[];
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

export type NativeApi = 'responses' | 'completions';
export type OpenAIEndpoint =
  | 'chat/completions'
  | 'embeddings'
  | NativeApi
  | 'images/generations'
  | 'images/edits'
  | 'audio/transcriptions'
  | 'audio/translations'
  | 'audio/speech'
  | 'moderations'
  | 'rerank';

export const AZURE_DEFAULT_API_VERSION = '2024-10-21';
/** The Responses API came to Azure in a later version than chat's default. */
export const AZURE_RESPONSES_API_VERSION = '2025-04-01-preview';

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
    nativeApis: ['responses', 'completions'],
    images: true,
    transcriptions: true,
    speech: true,
    moderations: true,
  },
  {
    // OpenAI's instruct models (gpt-3.5-turbo-instruct, davinci-002), served on the legacy POST /v1/completions.
    name: 'text-completion-openai',
    defaultApiBase: 'https://api.openai.com/v1',
    versionPath: '/v1',
    auth: 'bearer',
    apiKeyEnv: 'OPENAI_API_KEY',
    requiresApiKey: true,
    requiresApiBase: false,
    priceSection: 'openai',
    nativeApis: ['completions'],
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
    nativeApis: ['responses', 'completions'],
    // https://{resource}.openai.azure.com/openai/deployments/{deployment}/{chat/completions|embeddings|completions}?api-version=...
    // and https://{resource}.openai.azure.com/openai/responses?api-version=... (the deployment named by `model`)
    endpointUrl: (base, deployment, endpoint) => {
      const root = base.replace(/\/openai$/, '');
      if (endpoint === 'responses') return `${root}/openai/responses?api-version=${encodeURIComponent(deployment.apiVersion ?? AZURE_RESPONSES_API_VERSION)}`;
      const version = deployment.apiVersion ?? AZURE_DEFAULT_API_VERSION;
      return `${root}/openai/deployments/${encodeURIComponent(deployment.upstreamModel)}/${endpoint}?api-version=${encodeURIComponent(version)}`;
    },
  },
  {
    // Azure AI Foundry's model inference API: https://{resource}.services.ai.azure.com/models/chat/completions,
    // or a serverless endpoint's own base; `api_version` as a query parameter when set.
    name: 'azure_ai',
    versionPath: '',
    auth: 'api-key-on-azure-hosts',
    apiKeyEnv: 'AZURE_AI_API_KEY',
    requiresApiKey: true,
    requiresApiBase: true,
    endpointUrl: (base, deployment, endpoint) => {
      const url = new URL(base);
      const path = url.pathname.replace(/\/+$/, '');
      const models = url.hostname.endsWith('.services.ai.azure.com') && !path.endsWith('/models') ? '/models' : '';
      url.pathname = `${path}${models}/${endpoint}`;
      if (deployment.apiVersion && !url.searchParams.has('api-version')) url.searchParams.set('api-version', deployment.apiVersion);
      return url.toString();
    },
  },
  { name: 'ollama', defaultApiBase: 'http://localhost:11434/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'OLLAMA_API_KEY', requiresApiKey: false, requiresApiBase: false },
  { name: 'ollama_chat', defaultApiBase: 'http://localhost:11434/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'OLLAMA_API_KEY', requiresApiKey: false, requiresApiBase: false },
  { name: 'hosted_vllm', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'HOSTED_VLLM_API_KEY', requiresApiKey: false, requiresApiBase: true, rerank: true },
  // An Infinity embedding and rerank server (`<api_base>/rerank` in Jina's shape, `<api_base>/embeddings`).
  { name: 'infinity', versionPath: '', auth: 'bearer', apiKeyEnv: 'INFINITY_API_KEY', requiresApiKey: false, requiresApiBase: true, rerank: true },
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
  // The OpenAI-compatible providers LiteLLM documents, as it reaches them: base URL and key variable.
  { name: 'cerebras', defaultApiBase: 'https://api.cerebras.ai/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'CEREBRAS_API_KEY', requiresApiKey: true, requiresApiBase: false },
  { name: 'sambanova', defaultApiBase: 'https://api.sambanova.ai/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'SAMBANOVA_API_KEY', requiresApiKey: true, requiresApiBase: false },
  { name: 'nebius', defaultApiBase: 'https://api.studio.nebius.ai/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'NEBIUS_API_KEY', requiresApiKey: true, requiresApiBase: false },
  { name: 'deepinfra', defaultApiBase: 'https://api.deepinfra.com/v1/openai', versionPath: '/v1/openai', auth: 'bearer', apiKeyEnv: 'DEEPINFRA_API_KEY', requiresApiKey: true, requiresApiBase: false },
  { name: 'hyperbolic', defaultApiBase: 'https://api.hyperbolic.xyz/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'HYPERBOLIC_API_KEY', requiresApiKey: true, requiresApiBase: false },
  { name: 'novita', defaultApiBase: 'https://api.novita.ai/v3/openai', versionPath: '/v3/openai', auth: 'bearer', apiKeyEnv: 'NOVITA_API_KEY', requiresApiKey: true, requiresApiBase: false },
  { name: 'nscale', defaultApiBase: 'https://inference.api.nscale.com/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'NSCALE_API_KEY', requiresApiKey: true, requiresApiBase: false },
  { name: 'featherless_ai', defaultApiBase: 'https://api.featherless.ai/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'FEATHERLESS_AI_API_KEY', requiresApiKey: true, requiresApiBase: false },
  { name: 'github', defaultApiBase: 'https://models.inference.ai.azure.com', versionPath: '', auth: 'bearer', apiKeyEnv: 'GITHUB_API_KEY', requiresApiKey: true, requiresApiBase: false },
  { name: 'databricks', versionPath: '/serving-endpoints', auth: 'bearer', apiKeyEnv: 'DATABRICKS_API_KEY', requiresApiKey: true, requiresApiBase: true },
  {
    name: 'dashscope',
    defaultApiBase: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1',
    versionPath: '/compatible-mode/v1',
    auth: 'bearer',
    apiKeyEnv: 'DASHSCOPE_API_KEY',
    requiresApiKey: true,
    requiresApiBase: false,
  },
  { name: 'moonshot', defaultApiBase: 'https://api.moonshot.ai/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'MOONSHOT_API_KEY', requiresApiKey: true, requiresApiBase: false },
  { name: 'zai', defaultApiBase: 'https://api.z.ai/api/paas/v4', versionPath: '/api/paas/v4', auth: 'bearer', apiKeyEnv: 'ZAI_API_KEY', requiresApiKey: true, requiresApiBase: false },
  { name: 'minimax', defaultApiBase: 'https://api.minimax.io/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'MINIMAX_API_KEY', requiresApiKey: true, requiresApiBase: false },
  { name: 'baseten', defaultApiBase: 'https://inference.baseten.co/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'BASETEN_API_KEY', requiresApiKey: true, requiresApiBase: false },
  { name: 'lambda_ai', defaultApiBase: 'https://api.lambda.ai/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'LAMBDA_API_KEY', requiresApiKey: true, requiresApiBase: false },
  { name: 'nvidia_nim', defaultApiBase: 'https://integrate.api.nvidia.com/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'NVIDIA_NIM_API_KEY', requiresApiKey: true, requiresApiBase: false },
  {
    name: 'friendliai',
    defaultApiBase: 'https://api.friendli.ai/serverless/v1',
    versionPath: '/serverless/v1',
    auth: 'bearer',
    apiKeyEnv: 'FRIENDLIAI_API_KEY',
    requiresApiKey: true,
    requiresApiBase: false,
  },
  { name: 'xinference', defaultApiBase: 'http://127.0.0.1:9997/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'XINFERENCE_API_KEY', requiresApiKey: false, requiresApiBase: false },
  { name: 'llamafile', defaultApiBase: 'http://127.0.0.1:8080/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'LLAMAFILE_API_KEY', requiresApiKey: false, requiresApiBase: false },
  {
    name: 'ovhcloud',
    defaultApiBase: 'https://oai.endpoints.kepler.ai.cloud.ovh.net/v1',
    versionPath: '/v1',
    auth: 'bearer',
    apiKeyEnv: 'OVHCLOUD_API_KEY',
    requiresApiKey: true,
    requiresApiBase: false,
  },
  { name: 'scaleway', defaultApiBase: 'https://api.scaleway.ai/v1', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'SCW_SECRET_KEY', requiresApiKey: true, requiresApiBase: false },
  {
    name: 'vercel_ai_gateway',
    defaultApiBase: 'https://ai-gateway.vercel.sh/v1',
    versionPath: '/v1',
    auth: 'bearer',
    apiKeyEnv: 'VERCEL_AI_GATEWAY_API_KEY',
    requiresApiKey: true,
    requiresApiBase: false,
  },
  { name: 'litellm_proxy', versionPath: '/v1', auth: 'bearer', apiKeyEnv: 'LITELLM_PROXY_API_KEY', requiresApiKey: false, requiresApiBase: true },
];
