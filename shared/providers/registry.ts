// Every provider Tollgate knows, by the prefix of `litellm_params.model`.
import { anthropicProvider } from './anthropic/provider.ts';
import { bedrockProvider } from './bedrock/provider.ts';
import { cohereProvider } from './cohere/provider.ts';
import { geminiProvider } from './gemini/provider.ts';
import { mockProvider } from './mock/provider.ts';
import { OPENAI_COMPATIBLE_PRESETS } from './openai-compatible/presets.ts';
import { pollyProvider } from './polly/provider.ts';
import { RERANK_PROVIDERS } from './rerank/provider.ts';
import { sageMakerChatProvider, sageMakerProvider } from './sagemaker/provider.ts';
import { openAICompatibleProvider } from './openai-compatible/provider.ts';
import { vertexAIProvider } from './vertex-ai/provider.ts';
import type { Provider } from './types.ts';

export type ProviderRegistry = ReadonlyMap<string, Provider>;

export function defaultProviders(): ProviderRegistry {
  const providers: Provider[] = [
    ...OPENAI_COMPATIBLE_PRESETS.map(openAICompatibleProvider),
    anthropicProvider,
    bedrockProvider,
    cohereProvider,
    geminiProvider,
    vertexAIProvider,
    mockProvider,
    sageMakerProvider,
    sageMakerChatProvider,
    pollyProvider,
    ...RERANK_PROVIDERS,
  ];
  return new Map(providers.map((p) => [p.name, p]));
}
