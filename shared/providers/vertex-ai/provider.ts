// The Vertex AI provider (`vertex_ai/<model>`): Gemini models through the Gemini translation
// (generateContent on Vertex's URL), Claude models through the Anthropic one (rawPredict), partner
// models (`meta/...`, `mistralai/...`) on Vertex's OpenAI-compatible endpoint, and text-embedding
// models through `:predict`, all with an access token from service-account credentials. The /vertex_ai
// pass-through forwards Google's own generateContent body to its Gemini models (../gemini/passthrough.ts).
import { ANTHROPIC_UNSUPPORTED_PARAMS } from '../anthropic/provider.ts';
import { generateContent } from '../gemini/generate.ts';
import { generateImages } from '../gemini/images.ts';
import { forwardCountTokens, forwardGenerateContent } from '../gemini/passthrough.ts';
import { GEMINI_UNSUPPORTED_PARAMS } from '../gemini/provider.ts';
import { GatewayError } from '../../core/errors.ts';
import type { Provider } from '../types.ts';
import type { Deployment } from '../../config/types.ts';
import { claudeOnVertex } from './claude.ts';
import { predictEmbeddings } from './embeddings.ts';
import { isPartnerModel, PROVIDER_NAME, publisherOf, vertexModel, type VertexModel } from './location.ts';
import { partnerModelOnVertex } from './partner-models.ts';

export const vertexAIProvider: Provider = {
  name: PROVIDER_NAME,
  requiresApiKey: false,
  requiresApiBase: false,
  extraParams: ['vertex_project', 'vertex_location', 'vertex_credentials', 'vertex_ai_project', 'vertex_ai_location', 'vertex_ai_credentials'],
  // One set serves both model families, so it holds what either cannot take (drop_params drops them).
  unsupportedParams: new Set([...GEMINI_UNSUPPORTED_PARAMS, ...ANTHROPIC_UNSUPPORTED_PARAMS]),
  // Priced as on their makers' own APIs (Vertex names Claude versions with `@` where Anthropic uses `-`),
  // else as LiteLLM lists Vertex's own (`vertex_ai/meta/llama-3.1-405b-instruct-maas`, `vertex_ai/mistral-large@2407`).
  priceKeys: (model) => [`${publisherOf(model) === 'anthropic' ? 'anthropic' : 'gemini'}/${model.replace('@', '-')}`, `vertex_ai/${model}`],

  async chat(call) {
    if (isPartnerModel(call.request.model)) return partnerModelOnVertex(call);
    const publisher = publisherOf(call.request.model);
    const target = await vertexModel(call.deployment, publisher, call.request.model);
    return publisher === 'anthropic' ? claudeOnVertex(call, target) : generateContent(call, target);
  },

  async embed(call) {
    return predictEmbeddings(call, await vertexModel(call.deployment, 'google', call.request.model));
  },

  async generateImage(call) {
    return generateImages(call, await vertexModel(call.deployment, 'google', call.request.model));
  },

  async generateContent(call) {
    return forwardGenerateContent(call, await geminiOnVertex(call.deployment, call.request.model));
  },

  async countContentTokens(call) {
    return forwardCountTokens(call, await geminiOnVertex(call.deployment, call.request.model));
  },
};

/** A Gemini model's resource on Vertex, for Google's own format (the pass-through): Claude and partner models take another. */
function geminiOnVertex(deployment: Deployment, model: string): Promise<VertexModel> {
  if (isPartnerModel(model) || publisherOf(model) === 'anthropic') {
    throw new GatewayError('invalid_request', `Model "${model}" on Vertex AI does not take Gemini's format: call a Gemini model, or Claude through :rawPredict.`, { param: 'model' });
  }
  return vertexModel(deployment, 'google', model);
}
