// What an upstream call may cost the gateway (issue 12, point 10): a non-streamed answer is read up to
// max_response_size_mb and no further, and a finished call leaves no timer behind for the rest of its
// `timeout`.
import { createHook } from 'node:async_hooks';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callUpstream, readJson, type UpstreamRequest } from '../../shared/http/upstream.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

const MASTER = 'sk-upstream-limits';
let upstream: RecordingServer;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startRecordingServer();
  gateway = await startGateway(`
model_list:
  - model_name: embed
    litellm_params: { model: openai/text-embedding-3-small, api_base: ${upstream.url}/v1, api_key: sk-up }
  - model_name: chat
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream.url}/v1, api_key: sk-up }
general_settings: { master_key: ${MASTER}, max_response_size_mb: 1 }
`);
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

const client = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });

describe('non-streamed upstream answers', () => {
  it('are read up to max_response_size_mb: past it, a 502 naming the provider and the limit, without waiting for the rest', async () => {
    // 1.5 MB of an embeddings answer, and then the upstream goes quiet without ending it.
    const vector = Array.from({ length: 1536 }, (_, i) => (i % 7) / 7 - 0.5);
    upstream.respond((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"object":"list","data":[');
      const item = JSON.stringify({ object: 'embedding', index: 0, embedding: vector });
      for (let written = 0; written < 1.5 * 1024 * 1024; written += item.length + 1) res.write(`${item},`);
    });
    const error = await client()
      .embeddings.create({ model: 'embed', input: 'hello' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(502);
    expect(apiError.error).toMatchObject({ type: 'api_error', code: '502' });
    expect(apiError.message).toMatch(/openai answered with more than 1 MB.*max_response_size_mb/);

    // An answer under the limit is passed on.
    upstream.respond((request, res) =>
      sendJson(res, 200, {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: request.json.model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'x'.repeat(512 * 1024) }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }),
    );
    const completion = await client().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]!.message.content).toHaveLength(512 * 1024);
  });

  it('end their timeout when they end, instead of keeping a timer (and what it holds) for the rest of it', async () => {
    upstream.respond((_request, res) => sendJson(res, 200, { ok: true }));
    const CALLS = 40;
    const live = new Set<number>();
    const hook = createHook({
      init: (id, type) => void (type === 'Timeout' && live.add(id)),
      destroy: (id) => void live.delete(id),
    }).enable();
    try {
      for (let i = 0; i < CALLS; i++) {
        const request: UpstreamRequest = {
          url: `${upstream.url}/v1/anything`,
          headers: {},
          body: '{}',
          signal: new AbortController().signal,
          stream: false,
          timeoutMs: 600_000,
          maxResponseBytes: 1024,
          provider: 'openai',
        };
        const response = await callUpstream(request, () => new Error('unexpected') as never);
        expect(await readJson(response, request)).toEqual({ ok: true });
      }
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      hook.disable();
    }
    // A few timers of the connections' own (the sockets') run on; forty 600 s deadlines may not.
    expect(live.size).toBeLessThan(CALLS / 4);
  });
});
