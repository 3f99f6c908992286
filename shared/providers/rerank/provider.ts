// Providers Tollgate calls for rerank only, by their `litellm_params.model` prefix as LiteLLM names
// them: Jina AI and Voyage AI. Chat on them is a 400 saying so; Cohere reranks beside its chat and
// embeddings (../cohere/provider.ts), and OpenAI-compatible servers that also rerank (Together, vLLM)
// get it through their preset.
import type { Deployment } from '../../config/types.ts';
import { GatewayError } from '../../core/errors.ts';
import { withVersionPath } from '../api-base.ts';
import type { Provider } from '../types.ts';
import { parseErrorBody, retryAfterSeconds, upstreamError } from '../upstream-errors.ts';
import { callRerank, type RerankShape } from './rerank-apis.ts';

interface RerankService {
  name: string;
  shape: RerankShape;
  defaultApiBase: string;
  /** The path after the base: `/v2/rerank`. */
  path: string;
  versionPath: string;
  apiKeyEnv: string;
}

const SERVICES: RerankService[] = [
  { name: 'jina_ai', shape: 'jina', defaultApiBase: 'https://api.jina.ai/v1', versionPath: '/v1', path: '/rerank', apiKeyEnv: 'JINA_AI_API_KEY' },
  { name: 'voyage', shape: 'voyage', defaultApiBase: 'https://api.voyageai.com/v1', versionPath: '/v1', path: '/rerank', apiKeyEnv: 'VOYAGE_API_KEY' },
];

export const RERANK_PROVIDERS: Provider[] = SERVICES.map(rerankProvider);

function rerankProvider(service: RerankService): Provider {
  return {
    name: service.name,
    apiKeyEnv: service.apiKeyEnv,
    requiresApiKey: true,
    requiresApiBase: false,
    unsupportedParams: new Set(),
    priceKeys: (model) => [`${service.name}/${model}`],
    async chat() {
      throw new GatewayError('invalid_request', `${service.name}/ models serve POST /v1/rerank in Tollgate, not chat.`, { param: 'model' });
    },
    rerank: (call) =>
      callRerank(
        service.shape,
        {
          url: `${withVersionPath(call.deployment.apiBase ?? service.defaultApiBase, service.versionPath)}${service.path}`,
          headers: bearer(call.deployment),
          mapError: mapError(service.name, call.deployment),
        },
        call,
      ),
  };
}

function bearer(deployment: Deployment): Record<string, string> {
  return deployment.apiKey ? { authorization: `Bearer ${deployment.apiKey}` } : {};
}

function mapError(provider: string, deployment: Deployment) {
  return (status: number, text: string, headers: Record<string, string | string[] | undefined>) =>
    upstreamError({ provider, status, ...parseErrorBody(text), retryAfterSeconds: retryAfterSeconds(headers), secrets: [deployment.apiKey] });
}
