// OpenAI's own format in and out, for the model APIs beside chat that OpenAI and Azure serve
// themselves (POST /v1/responses, the legacy POST /v1/completions): the client's body goes upstream
// as it came (model name aside) and the answer comes back as the upstream sent it, streamed event by
// event. Transport and error mapping are the chat provider's (./provider.ts).
import type { Deployment } from '../../config/types.ts';
import type { SseEvent } from '../../http/sse-events.ts';
import { translateUpstreamStream } from '../../http/upstream-stream.ts';
import { callUpstream, readJson, type UpstreamRequest } from '../../http/upstream.ts';
import { upstreamError } from '../upstream-errors.ts';
import { OPENAI_COMPATIBLE_PRESETS, type NativeApi, type OpenAICompatiblePreset } from './presets.ts';
import { endpointUrl, requestHeaders, upstreamErrorMapper } from './provider.ts';
import { deploymentLimits } from '../deployment-limits.ts';

export interface NativeCall {
  api: NativeApi;
  /** The client's body with `model` set to the upstream model, gateway-only fields removed. */
  body: Record<string, unknown>;
  deployment: Deployment;
  signal: AbortSignal;
}

export type NativeAnswer = { stream: false; answer: unknown } | { stream: true; events: AsyncIterable<SseEvent> };

/** The preset of a deployment whose provider serves `api` itself; undefined when it must be bridged through chat. */
export function nativePreset(deployment: Deployment, api: NativeApi): OpenAICompatiblePreset | undefined {
  return OPENAI_COMPATIBLE_PRESETS.find((preset) => preset.name === deployment.provider && preset.nativeApis?.includes(api));
}

export async function forwardNative(preset: OpenAICompatiblePreset, { api, body, deployment, signal }: NativeCall): Promise<NativeAnswer> {
  const upstream: UpstreamRequest = {
    url: endpointUrl(preset, deployment, api),
    headers: requestHeaders(preset, deployment),
    body: JSON.stringify(body),
    signal,
    stream: body['stream'] === true,
    ...deploymentLimits(deployment),
  };
  const response = await callUpstream(upstream, upstreamErrorMapper(preset, deployment));
  if (!upstream.stream) return { stream: false, answer: await readJson(response, upstream) };
  return { stream: true, events: translateUpstreamStream(response.body, upstream, preset.name, (events) => failingOnFirstError(events, preset.name, deployment.apiKey)) };
}

/**
 * An error as the stream's first event fails the call, so the router can retry it elsewhere: OpenAI's
 * `{"type":"error",...}` and `{"error":{...}}` alike. Later ones are the client's to read, in-band.
 */
async function* failingOnFirstError(events: AsyncIterable<SseEvent>, provider: string, apiKey: string | undefined): AsyncGenerator<SseEvent> {
  let first = true;
  for await (const event of events) {
    if (first && event.data !== '[DONE]') {
      first = false;
      const data = JSON.parse(event.data) as { type?: unknown; message?: unknown; code?: unknown; error?: { message?: unknown; code?: unknown } };
      const error = data.type === 'error' ? data : data.error;
      if (error && typeof error === 'object')
        throw upstreamError({ provider, status: 200, message: String(error.message ?? 'no error message'), code: typeof error.code === 'string' ? error.code : undefined, secrets: [apiKey] });
    }
    yield event;
  }
}
