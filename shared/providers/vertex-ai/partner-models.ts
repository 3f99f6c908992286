// Partner models on Vertex AI's Model-as-a-Service (`vertex_ai/meta/llama-3.3-70b-instruct-maas`,
// `vertex_ai/mistralai/...`, `vertex_ai/deepseek-ai/...`, `vertex_ai/qwen/...`): Vertex's
// OpenAI-compatible endpoint, `.../v1/projects/{project}/locations/{region}/endpoints/openapi/chat/completions`,
// with the publisher-qualified model id in the body and the service account's access token as Bearer.
// The call itself is the OpenAI-compatible provider's, on that URL.
import type { OpenAICompatiblePreset } from '../openai-compatible/presets.ts';
import { openAICompatibleProvider } from '../openai-compatible/provider.ts';
import type { ChatCall, ChatResult } from '../types.ts';
import { PROVIDER_NAME, vertexLocation } from './location.ts';

const MAAS: OpenAICompatiblePreset = { name: PROVIDER_NAME, versionPath: '', auth: 'bearer', requiresApiKey: false, requiresApiBase: false, embeddings: false };
const maas = openAICompatibleProvider(MAAS);

export async function partnerModelOnVertex(call: ChatCall): Promise<ChatResult> {
  const { locationUrl, token } = await vertexLocation(call.deployment);
  // The token is the key for this call: the OpenAI-compatible provider masks it out of errors.
  return maas.chat({ ...call, deployment: { ...call.deployment, apiBase: `${locationUrl}/endpoints/openapi`, apiKey: token } });
}
