// The semantic cache's embeddings of prompts, made by the embedding model the config names
// (`cache_params.*_semantic_cache_embedding_model`), routed like any embeddings request to one of its
// deployments. Not charged to the caller: it is the cache's own cost, as in LiteLLM.
import type { RequestContext } from '../core/types.ts';
import { estimatePromptTokens } from '../openai/token-estimate.ts';
import { attemptEmbedding } from '../pipeline/embedding-attempt.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { routingOptions } from '../router/request-options.ts';
import type { Router } from '../router/router.ts';

export interface PromptEmbedder {
  readonly model: string;
  embed(text: string, ctx: RequestContext): Promise<Float32Array>;
}

export function promptEmbedder(router: Router, providers: ProviderRegistry, model: string): PromptEmbedder {
  return {
    model,
    async embed(text, ctx) {
      const request = { model, input: text, encoding_format: 'float' as const };
      const routed = await router.route({ model, promptTokens: estimatePromptTokens([{ role: 'user', content: text }]), options: routingOptions({}, model) }, ctx, (deployment) =>
        // Its own timings: the request's measure the answer's upstream.
        attemptEmbedding(request, deployment, { signal: ctx.signal, timings: { start: Date.now() } }, providers),
      );
      const embedding = routed.value.data[0]?.embedding;
      if (!Array.isArray(embedding)) throw new Error(`the embedding model "${model}" answered without a float embedding`);
      return Float32Array.from(embedding);
    },
  };
}
