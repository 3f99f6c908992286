// One implementation for every OpenAI-compatible provider; the differences are the preset's data.
import { GatewayError } from '../../core/errors.ts';
import { callUpstream, connectionError, readJson, type UpstreamRequest } from '../../http/upstream.ts';
import { sseEvents } from '../../http/sse-events.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../../openai/types.ts';
import type { Deployment } from '../../config/types.ts';
import { withVersionPath } from '../api-base.ts';
import type { ChatCall, ChatResult, Provider } from '../types.ts';
import { parseErrorBody, retryAfterSeconds, upstreamError } from '../upstream-errors.ts';
import type { OpenAICompatiblePreset } from './presets.ts';

export function openAICompatibleProvider(preset: OpenAICompatiblePreset): Provider {
  const mapError = (deployment: Deployment) => (status: number, text: string, headers: Record<string, string | string[] | undefined>) =>
    upstreamError({ provider: preset.name, status, ...parseErrorBody(text), retryAfterSeconds: retryAfterSeconds(headers), secrets: [deployment.apiKey] });

  return {
    name: preset.name,
    apiKeyEnv: preset.apiKeyEnv,
    requiresApiKey: preset.requiresApiKey,
    requiresApiBase: preset.requiresApiBase,
    unsupportedParams: new Set(preset.unsupportedParams ?? []),

    async chat({ request, deployment, signal }: ChatCall): Promise<ChatResult> {
      const upstream: UpstreamRequest = {
        url: chatUrl(preset, deployment),
        headers: requestHeaders(preset, deployment),
        body: JSON.stringify(upstreamBody(preset, request)),
        signal,
        stream: request.stream === true,
        timeoutMs: deployment.timeoutMs,
        firstByteTimeoutMs: deployment.streamTimeoutMs,
      };
      const response = await callUpstream(upstream, mapError(deployment));
      if (!upstream.stream) return { stream: false, completion: (await readJson(response, upstream)) as ChatCompletion };
      return { stream: true, chunks: chunksOf(response.body, upstream, preset.name, deployment) };
    },
  };
}

export function chatUrl(preset: OpenAICompatiblePreset, deployment: Deployment): string {
  const configured = deployment.apiBase ?? preset.defaultApiBase;
  if (!configured) throw new GatewayError('internal', `Provider ${preset.name} has no api_base.`);
  const base = withVersionPath(configured, preset.versionPath);
  return preset.chatUrl ? preset.chatUrl(base, deployment) : `${base}/chat/completions`;
}

function requestHeaders(preset: OpenAICompatiblePreset, deployment: Deployment): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (deployment.apiKey) {
    if (preset.auth === 'api-key') headers['api-key'] = deployment.apiKey;
    else headers['authorization'] = `Bearer ${deployment.apiKey}`;
  }
  return { ...headers, ...deployment.extraHeaders };
}

function upstreamBody(preset: OpenAICompatiblePreset, request: ChatCompletionRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { ...request };
  if (preset.modelPrefix && !request.model.includes('/')) body['model'] = `${preset.modelPrefix}${request.model}`;
  for (const [from, to] of Object.entries(preset.renamedParams ?? {})) {
    if (from in body) {
      body[to] = body[from];
      delete body[from];
    }
  }
  return body;
}

async function* chunksOf(body: AsyncIterable<Uint8Array> & { destroy(): void }, upstream: UpstreamRequest, provider: string, deployment: Deployment): AsyncGenerator<ChatCompletionChunk> {
  let finished = false;
  try {
    let sawDone = false;
    // Read on past [DONE] to the body's end, so the keep-alive connection can be reused.
    for await (const event of sseEvents(body)) {
      if (sawDone || event.data === '[DONE]') {
        sawDone = true;
        continue;
      }
      const data = JSON.parse(event.data) as ChatCompletionChunk & { error?: unknown };
      if (data.error) {
        const { message, code } = parseErrorBody(event.data);
        throw upstreamError({ provider, status: 500, message, code, secrets: [deployment.apiKey] });
      }
      // Some servers (vLLM) send the usage-only chunk with `choices: null`.
      data.choices ??= [];
      yield data;
    }
    finished = true;
  } catch (error) {
    if (error instanceof SyntaxError) throw new GatewayError('upstream_error', `${provider} sent a stream event that is not JSON.`);
    throw connectionError(error, upstream);
  } finally {
    if (!finished) body.destroy();
  }
}
