// anthropicProvider.chat driven directly against a fake Anthropic on 127.0.0.1: URL, headers and
// body on the wire, answers and streams translated, upstream failures mapped to the gateway's kinds.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../shared/core/errors.ts';
import type { ChatCompletionRequest } from '../../../shared/openai/types.ts';
import { anthropicProvider, messagesUrl } from '../../../shared/providers/anthropic/provider.ts';
import { defaultProviders } from '../../../shared/providers/registry.ts';
import type { ChatResult } from '../../../shared/providers/types.ts';
import { sendJson, sendSse, sleep, startRecordingServer, type RecordingServer } from '../../helpers/recording-server.ts';
import { API_KEY, collect, deployment, failure, fixtureJson, sseFrames } from './support.ts';

let upstream: RecordingServer;
beforeAll(async () => {
  upstream = await startRecordingServer();
});
afterAll(() => upstream.close());
beforeEach(() => {
  upstream.requests.length = 0;
});

const request = (overrides: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'claude-sonnet-4-5-20250929',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hello' },
  ],
  ...overrides,
});
const chat = (overrides: Partial<ChatCompletionRequest> = {}, extra: Parameters<typeof deployment>[0] = {}) =>
  anthropicProvider.chat({ request: request(overrides), deployment: deployment({ apiBase: upstream.url, ...extra }), signal: new AbortController().signal });
const streamed = (result: ChatResult) => {
  if (!result.stream) throw new Error('expected a stream');
  return result.chunks;
};

describe('provider definition', () => {
  it('is registered as anthropic with its key variable and unsupported parameters', () => {
    expect(defaultProviders().get('anthropic')).toBe(anthropicProvider);
    expect(anthropicProvider).toMatchObject({ name: 'anthropic', apiKeyEnv: 'ANTHROPIC_API_KEY', requiresApiKey: true, requiresApiBase: false });
    for (const param of ['frequency_penalty', 'presence_penalty', 'logit_bias', 'logprobs', 'top_logprobs', 'n', 'seed', 'audio', 'modalities', 'prediction', 'functions', 'function_call']) {
      expect(anthropicProvider.unsupportedParams.has(param), param).toBe(true);
    }
    for (const param of ['user', 'top_k', 'stop', 'tools', 'response_format', 'reasoning_effort', 'parallel_tool_calls']) {
      expect(anthropicProvider.unsupportedParams.has(param), param).toBe(false);
    }
  });

  it('builds the messages URL with or without /v1 in api_base', () => {
    expect(messagesUrl(deployment())).toBe('https://api.anthropic.com/v1/messages');
    expect(messagesUrl(deployment({ apiBase: 'http://proxy.local:8080' }))).toBe('http://proxy.local:8080/v1/messages');
    expect(messagesUrl(deployment({ apiBase: 'http://proxy.local:8080/v1/' }))).toBe('http://proxy.local:8080/v1/messages');
  });
});

describe('non-streamed chat', () => {
  it('POSTs the translated body with Anthropic headers and extra headers last', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, fixtureJson('message-text.json')));
    const result = await chat({ temperature: 0.5 }, { extraHeaders: { 'anthropic-beta': 'context-1m-2025-08-07', 'anthropic-version': '2023-06-01' } });
    const sent = upstream.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(API_KEY);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['anthropic-beta']).toBe('context-1m-2025-08-07');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['authorization']).toBeUndefined();
    expect(sent.json).toEqual({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 4096,
      temperature: 0.5,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
    });
    expect(result.stream).toBe(false);
    if (result.stream) return;
    expect(result.completion.choices[0]!.message.content).toBe('Hi! My name is Claude.');
    expect(result.completion.usage?.prompt_tokens).toBe(1809);
  });

  it("answers a json_object request on an older model with the JSON tool's input as content", async () => {
    upstream.respond((_r, res) => sendJson(res, 200, fixtureJson('message-json-tool.json')));
    const result = await chat({ model: 'claude-3-5-haiku-20241022', response_format: { type: 'json_object' } });
    expect(upstream.requests[0]!.json.tool_choice).toEqual({ type: 'tool', name: 'json_tool_call' });
    if (result.stream) throw new Error('expected a completion');
    expect(JSON.parse(result.completion.choices[0]!.message.content!)).toEqual({ name: 'John Smith', email: 'john@example.com', demo_requested: true });
    expect(result.completion.choices[0]!.finish_reason).toBe('stop');
  });

  it('refuses a request it cannot translate before calling the upstream', async () => {
    const error = await failure(chat({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: '', format: 'wav' } }] }] }));
    expect(error.kind).toBe('invalid_request');
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('upstream errors', () => {
  it('maps 429 to rate_limited with the retry-after hint', async () => {
    upstream.respond((_r, res) => sendJson(res, 429, fixtureJson('error-rate-limit.json'), { 'retry-after': '17' }));
    const error = await failure(chat());
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfter).toBe(17);
    expect(error.message).toContain('exceed the rate limit');
  });

  it('maps 529 overloaded to upstream_unavailable', async () => {
    upstream.respond((_r, res) => sendJson(res, 529, fixtureJson('error-overloaded.json')));
    const error = await failure(chat());
    expect(error.kind).toBe('upstream_unavailable');
    expect(error.message).toBe('anthropic error (529): Overloaded');
  });

  it('maps 400 "prompt is too long" to context_length_exceeded', async () => {
    upstream.respond((_r, res) => sendJson(res, 400, fixtureJson('error-prompt-too-long.json')));
    expect((await failure(chat())).kind).toBe('context_length_exceeded');
  });

  it('maps 401 to upstream_auth', async () => {
    upstream.respond((_r, res) => sendJson(res, 401, fixtureJson('error-authentication.json')));
    expect((await failure(chat())).kind).toBe('upstream_auth');
  });

  it('fails a stream before any chunk when the upstream refuses it, so the call can be retried', async () => {
    upstream.respond((_r, res) => sendJson(res, 529, fixtureJson('error-overloaded.json')));
    const error = await failure(chat({ stream: true }));
    expect(error.kind).toBe('upstream_unavailable');
  });

  it('never shows the API key, even when the upstream echoes it', async () => {
    const echo = { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key: ${API_KEY}` } };
    upstream.respond((_r, res) => sendJson(res, 401, echo));
    const error = await failure(chat());
    expect(error.message).not.toContain(API_KEY);
    expect(JSON.stringify(error.toJSON())).not.toContain(API_KEY);
    upstream.respond((_r, res) => sendSse(res, [`event: error\ndata: ${JSON.stringify(echo)}\n\n`]));
    const streamError = await failure(collect(streamed(await chat({ stream: true }))));
    expect(streamError.message).not.toContain(API_KEY);
  });

  it('maps a connection refused to upstream_unreachable', async () => {
    const error = await failure(anthropicProvider.chat({ request: request(), deployment: deployment({ apiBase: 'http://127.0.0.1:9' }), signal: new AbortController().signal }));
    expect(error.kind).toBe('upstream_unreachable');
  });
});

describe('streamed chat', () => {
  it('sends stream: true and yields OpenAI chunks ending in a usage-only chunk', async () => {
    upstream.respond((_r, res) => sendSse(res, sseFrames('stream-tool-use.sse'), 1));
    const chunks = await collect(streamed(await chat({ stream: true, stream_options: { include_usage: false }, tools: [{ type: 'function', function: { name: 'get_weather' } }] })));
    expect(upstream.requests[0]!.json).toMatchObject({ stream: true, tools: [{ name: 'get_weather' }] });
    expect(upstream.requests[0]!.json).not.toHaveProperty('stream_options');
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    expect(
      chunks
        .flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []))
        .filter((t) => t.id)
        .map((t) => t.index),
    ).toEqual([0, 1]);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 472, completion_tokens: 89, total_tokens: 561 } });
  });

  it('maps a mid-stream overloaded_error event to upstream_unavailable', async () => {
    upstream.respond((_r, res) => sendSse(res, sseFrames('stream-error.sse')));
    const chunks = streamed(await chat({ stream: true }));
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const chunk of chunks) seen.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    );
    expect(seen.join('')).toBe('Once upon');
    expect(error.kind).toBe('upstream_unavailable');
  });

  it('destroys the upstream body when the consumer stops early', async () => {
    let closed!: () => void;
    const socketClosed = new Promise<void>((resolve) => (closed = resolve));
    upstream.respond(async (_r, res) => {
      res.on('close', () => closed());
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const frame of sseFrames('stream-text.sse').slice(0, 3)) res.write(frame);
      // ...and then nothing more: an upstream still thinking.
    });
    const chunks = streamed(await chat({ stream: true }));
    for await (const chunk of chunks) {
      expect(chunk.choices[0]!.delta.role).toBe('assistant');
      break;
    }
    await Promise.race([
      socketClosed,
      sleep(2000).then(() => {
        throw new Error('upstream connection was not closed');
      }),
    ]);
  });

  it('resolves only once the upstream answered 2xx', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    upstream.respond(async (_r, res) => {
      await gate;
      await sendSse(res, sseFrames('stream-text.sse'));
    });
    let resolved = false;
    const pending = chat({ stream: true }).then((r) => {
      resolved = true;
      return r;
    });
    await sleep(50);
    expect(resolved).toBe(false);
    release();
    const chunks = await collect(streamed(await pending));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello! How can I help?');
  });
});
