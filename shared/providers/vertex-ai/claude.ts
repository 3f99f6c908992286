// Claude models on Vertex AI: Anthropic's Messages API behind Vertex's URL and auth. The body is
// the Anthropic provider's translation with two differences Vertex documents: no `model` (it is in
// the URL) and `anthropic_version` in the body rather than a header. Answers and streams are
// Anthropic's own, read by the Anthropic provider.
import { callUpstream, type UpstreamRequest } from '../../http/upstream.ts';
import { readAnswer } from '../anthropic/provider.ts';
import { toAnthropicRequest } from '../anthropic/request.ts';
import { googleHttpError } from '../gemini/errors.ts';
import type { ChatCall, ChatResult } from '../types.ts';
import type { VertexModel } from './location.ts';
import { deploymentLimits } from '../deployment-limits.ts';

export const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';

export async function claudeOnVertex({ request, deployment, signal }: ChatCall, target: VertexModel): Promise<ChatResult> {
  const {
    body: { model: _model, ...body },
    jsonTool,
  } = toAnthropicRequest(request);
  const stream = body.stream === true;
  const upstream: UpstreamRequest = {
    url: `${target.modelUrl}:${stream ? 'streamRawPredict' : 'rawPredict'}`,
    headers: { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json', ...target.headers, ...deployment.extraHeaders },
    body: JSON.stringify({ ...body, anthropic_version: VERTEX_ANTHROPIC_VERSION }),
    signal,
    stream,
    ...deploymentLimits(deployment),
  };
  const response = await callUpstream(upstream, (status, text, headers) => googleHttpError(target, status, text, headers));
  return readAnswer(response, upstream, { jsonTool, provider: target.provider, apiKey: target.secrets[0] });
}
