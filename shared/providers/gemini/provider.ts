// The Gemini API provider (`gemini/<model>`, Google AI Studio): generateContent and
// streamGenerateContent with the key in the `x-goog-api-key` header, and batchEmbedContents.
// Translation lives in request.ts, response.ts and stream.ts; Vertex AI's Gemini models share it.
import type { Deployment } from '../../config/types.ts';
import { withVersionPath } from '../api-base.ts';
import type { Provider } from '../types.ts';
import { batchEmbedContents } from './embeddings.ts';
import { generateContent, type GeminiTarget } from './generate.ts';
import { generateImages } from './images.ts';
import { forwardCountTokens, forwardGenerateContent } from './passthrough.ts';

export const GEMINI_DEFAULT_API_BASE = 'https://generativelanguage.googleapis.com';
const PROVIDER_NAME = 'gemini';

/** OpenAI parameters Gemini has no counterpart for (as LiteLLM's Gemini config): refused, or dropped under drop_params. */
export const GEMINI_UNSUPPORTED_PARAMS = [
  'logit_bias',
  'prediction',
  'functions',
  'function_call',
  'audio',
  'modalities',
  'service_tier',
  'store',
  'verbosity',
  'prompt_cache_key',
  'prompt_cache_retention',
  'safety_identifier',
];

export const geminiProvider: Provider = {
  name: PROVIDER_NAME,
  apiKeyEnv: 'GEMINI_API_KEY',
  requiresApiKey: true,
  requiresApiBase: false,
  unsupportedParams: new Set(GEMINI_UNSUPPORTED_PARAMS),
  priceKeys: (model) => [`gemini/${model}`],
  chat: (call) => generateContent(call, geminiTarget(call.deployment, call.request.model)),
  embed: (call) => batchEmbedContents(call, geminiTarget(call.deployment, call.request.model)),
  generateImage: (call) => generateImages(call, geminiTarget(call.deployment, call.request.model)),
  generateContent: (call) => forwardGenerateContent(call, geminiTarget(call.deployment, call.request.model)),
  countContentTokens: (call) => forwardCountTokens(call, geminiTarget(call.deployment, call.request.model)),
};

/** `api_base` with or without `/v1beta`; the model may be written `models/<id>`, as Google writes it. */
export function geminiTarget(deployment: Deployment, model: string): GeminiTarget {
  const base = withVersionPath(deployment.apiBase ?? GEMINI_DEFAULT_API_BASE, '/v1beta');
  const headers: Record<string, string> = deployment.apiKey ? { 'x-goog-api-key': deployment.apiKey } : {};
  return {
    provider: PROVIDER_NAME,
    modelUrl: `${base}/models/${encodeURIComponent(model.replace(/^models\//, ''))}`,
    headers,
    secrets: [deployment.apiKey],
  };
}
