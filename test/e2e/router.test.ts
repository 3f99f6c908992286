// The router through the local gateway, driven by the official openai client (maxRetries: 0, so what is
// measured is the gateway's own retrying), in front of fake OpenAI upstreams that fail on cue: 5xx,
// 429 with Retry-After, 401, slow, refusing connections, stalling or dying mid-stream.
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, sendSse, sleep, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { testRuntime, type TestRuntime } from '../helpers/router-runtime.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/openai/${name}`, import.meta.url), 'utf8');
const streamEvents = fixture('chat-stream.sse')
  .split('\n\n')
  .filter(Boolean)
  .map((e) => `${e}\n\n`);
const MASTER = 'sk-router-master';
const SECRET = 'sk-upstream-secret-for-router-tests';
const hi = [{ role: 'user' as const, content: 'Hi' }];

/** A fake upstream that answers with the fixture, its `model` naming the server, unless told otherwise. */
const answer = (label: string) => (res: ServerResponse) => sendJson(res, 200, { ...JSON.parse(fixture('chat-completion.json')), model: `${label}-upstream-model` });
const fail =
  (status: number, body: string = 'error-rate-limit.json', headers: Record<string, string> = {}) =>
  (res: ServerResponse) =>
    sendJson(res, status, JSON.parse(fixture(body)), headers);

const servers: Record<string, RecordingServer> = {};
let gateway: TestGateway | undefined;
let runtime: TestRuntime;

beforeAll(async () => {
  for (const name of ['a', 'b', 'c']) servers[name] = await startRecordingServer();
});
afterAll(async () => {
  for (const server of Object.values(servers)) await server.close();
});
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** Every test gets fresh router state: a new gateway with a seeded runtime, and upstreams that answer. */
async function start(modelList: string, routerSettings = '{}'): Promise<OpenAI> {
  for (const [name, server] of Object.entries(servers)) {
    server.requests.length = 0;
    server.respond((_r, res) => answer(name)(res));
  }
  runtime = testRuntime(11);
  gateway = await startGateway(`${modelList}\nrouter_settings: ${routerSettings}\ngeneral_settings: { master_key: ${MASTER} }\n`, { SECRET }, { routerRuntime: runtime });
  return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
}

/** A model_list entry on one of the fake upstreams. */
const on = (model: string, server: string, params = '', info = '') =>
  `  - model_name: ${model}\n    litellm_params: { model: openai/gpt-4o-mini, api_base: "${servers[server]!.url}/v1", api_key: os.environ/SECRET${params ? `, ${params}` : ''} }\n    model_info: { id: ${model}-${server}${info ? `, ${info}` : ''} }`;
const list = (...entries: string[]) => `model_list:\n${entries.join('\n')}`;
const hits = (server: string) => servers[server]!.requests.length;

async function chat(client: OpenAI, body: Record<string, unknown> = {}) {
  const { data, response } = await client.chat.completions.create({ model: 'gpt', messages: hi, ...body } as OpenAI.ChatCompletionCreateParamsNonStreaming).withResponse();
  return { completion: data, id: response.headers.get('x-tollgate-model-id'), headers: response.headers };
}
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
  );

describe('load balancing', () => {
  it('shares traffic by weight and names the deployment that answered', async () => {
    const client = await start(list(on('gpt', 'a', 'weight: 3'), on('gpt', 'b', 'weight: 1')));
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const { completion, id, headers } = await chat(client);
      ids.push(id!);
      expect(headers.get('x-litellm-model-id')).toBe(id);
      expect(completion.model).toBe('gpt');
    }
    expect(hits('a') + hits('b')).toBe(40);
    expect(ids.filter((id) => id === 'gpt-a')).toHaveLength(hits('a'));
    expect(hits('a')).toBeGreaterThan(22);
    expect(hits('b')).toBeGreaterThan(3);
  });

  it('names a deployment and model group whose config names are not ASCII, percent-encoded in the headers', async () => {
    const client = await start(list(on('modèle-中文', 'a')));
    const { completion, id, headers } = await chat(client, { model: 'modèle-中文' });
    expect(completion.model).toBe('modèle-中文');
    expect(headers.get('x-litellm-model-group')).toBe(encodeURIComponent('modèle-中文'));
    expect(decodeURIComponent(id!)).toBe('modèle-中文-a');
  });
});

describe('retries and cooldowns', () => {
  it('retries a 429 on the other deployment at once, then keeps traffic off the rate-limited one while it cools down', async () => {
    const client = await start(list(on('gpt', 'a', 'weight: 1000'), on('gpt', 'b')), '{ cooldown_time: 30 }');
    servers['a']!.respond((_r, res) => fail(429, 'error-rate-limit.json', { 'retry-after': '1' })(res));
    const { id, headers } = await chat(client);
    expect(id).toBe('gpt-b');
    expect(headers.get('x-litellm-attempted-retries')).toBe('1');
    expect(runtime.sleeps).toEqual([]);
    for (let i = 0; i < 5; i++) expect((await chat(client)).id).toBe('gpt-b');
    expect(hits('a')).toBe(1);
    runtime.advance(30_001);
    servers['a']!.respond((_r, res) => answer('a')(res));
    expect((await chat(client)).id).toBe('gpt-a');
  });

  it("retries a model's only deployment after the upstream's Retry-After, since it is never cooled down", async () => {
    const client = await start(list(on('gpt', 'a')));
    let calls = 0;
    servers['a']!.respond((_r, res) => (++calls === 1 ? fail(429, 'error-rate-limit.json', { 'retry-after': '2' })(res) : answer('a')(res)));
    const { id, headers } = await chat(client);
    expect(id).toBe('gpt-a');
    expect(headers.get('x-litellm-attempted-retries')).toBe('1');
    expect(runtime.sleeps).toEqual([2000]);
  });

  it('does not retry a 400, and sends a 401 on to the next deployment while cooling the first down', async () => {
    const client = await start(list(on('gpt', 'a', 'weight: 1000'), on('gpt', 'b')));
    servers['a']!.respond((_r, res) => fail(400, 'error-invalid-key.json')(res));
    const bad = await failure(chat(client));
    expect(bad.status).toBe(400);
    expect(hits('a') + hits('b')).toBe(1);

    servers['a']!.respond((_r, res) => fail(401, 'error-invalid-key.json')(res));
    expect((await chat(client, { num_retries: 0 })).id).toBe('gpt-b');
    expect((await chat(client)).id).toBe('gpt-b');
    expect(hits('a')).toBe(2);
  });

  it('retries on another deployment when one refuses connections', async () => {
    const client = await start(
      list(`  - model_name: gpt\n    litellm_params: { model: openai/x, api_base: "http://127.0.0.1:1/v1", api_key: sk-x, weight: 1000 }\n    model_info: { id: dead }`, on('gpt', 'b')),
    );
    const { id, headers } = await chat(client);
    expect(id).toBe('gpt-b');
    expect(headers.get('x-litellm-attempted-retries')).toBe('1');
  });

  it('answers 429 with Retry-After when every deployment of the model is cooling down', async () => {
    const client = await start(list(on('gpt', 'a'), on('gpt', 'b')), '{ cooldown_time: 20 }');
    for (const name of ['a', 'b']) servers[name]!.respond((_r, res) => fail(429)(res));
    expect((await failure(chat(client))).status).toBe(429);
    runtime.advance(5_000);
    const response = await fetch(`${gateway!.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${MASTER}` }, body: JSON.stringify({ model: 'gpt', messages: hi }) });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('15');
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ type: 'rate_limit_error', code: '429', message: expect.stringContaining('No deployments available for selected model, Try again in 15 seconds') });
    expect(hits('a') + hits('b')).toBe(2);
  });
});

describe('timeouts', () => {
  it('is an OpenAI-format 408 once the retries are spent and nothing else answers', async () => {
    const client = await start(list(on('gpt', 'a', 'timeout: 0.2')), '{ num_retries: 1 }');
    servers['a']!.respond(async (_r, res) => {
      await sleep(600);
      if (!res.destroyed) answer('a')(res);
    });
    const error = await failure(chat(client));
    expect(error.status).toBe(408);
    expect(error.type).toBe('timeout_error');
    expect(hits('a')).toBe(2);
  });

  it('applies the router-wide timeout to deployments without their own, and a fallback still answers', async () => {
    const client = await start(list(on('gpt', 'a'), on('spare', 'b')), '{ timeout: 0.2, num_retries: 0, fallbacks: [{ gpt: [spare] }] }');
    servers['a']!.respond(async (_r, res) => {
      await sleep(600);
      if (!res.destroyed) answer('a')(res);
    });
    const { id, headers } = await chat(client);
    expect(id).toBe('spare-b');
    expect(headers.get('x-litellm-attempted-fallbacks')).toBe('1');
  });
});

describe('fallbacks', () => {
  it('falls back to another model group after the retries, naming the model asked for and the deployment that answered', async () => {
    const client = await start(list(on('gpt', 'a'), on('spare', 'b')), '{ num_retries: 1, fallbacks: [{ gpt: [spare] }] }');
    servers['a']!.respond((_r, res) => fail(500)(res));
    const { completion, id, headers } = await chat(client);
    expect(hits('a')).toBe(2);
    expect(id).toBe('spare-b');
    expect(headers.get('x-litellm-attempted-fallbacks')).toBe('1');
    expect(headers.get('x-litellm-attempted-retries')).toBe('1');
    expect(completion.model).toBe('gpt');
  });

  it('sends context-window errors to context_window_fallbacks and content-filter refusals to content_policy_fallbacks, without retrying', async () => {
    const client = await start(
      list(on('gpt', 'a'), on('big', 'b'), on('safe', 'c')),
      '{ fallbacks: [{ gpt: [safe] }], context_window_fallbacks: [{ gpt: [big] }], content_policy_fallbacks: [{ gpt: [safe] }] }',
    );
    servers['a']!.respond((_r, res) => fail(400, 'error-context-length.json')(res));
    expect((await chat(client)).id).toBe('big-b');
    servers['a']!.respond((_r, res) => fail(400, 'error-content-filter.json')(res));
    expect((await chat(client)).id).toBe('safe-c');
    expect(hits('a')).toBe(2);
  });

  it('sends a prompt too large for max_input_tokens straight to the context-window fallback', async () => {
    const client = await start(list(on('gpt', 'a', '', 'max_input_tokens: 50'), on('big', 'b')), '{ context_window_fallbacks: [{ gpt: [big] }] }');
    expect((await chat(client)).id).toBe('gpt-a');
    expect((await chat(client, { messages: [{ role: 'user', content: 'word '.repeat(200) }] })).id).toBe('big-b');
    expect(hits('a')).toBe(1);
  });

  it('takes fallbacks, num_retries and disable_fallbacks from the request body', async () => {
    const client = await start(list(on('gpt', 'a'), on('spare', 'b'), on('other', 'c')), '{ num_retries: 3, fallbacks: [{ gpt: [other] }] }');
    servers['a']!.respond((_r, res) => fail(503)(res));
    expect((await chat(client, { fallbacks: ['spare'], num_retries: 0 })).id).toBe('spare-b');
    expect(hits('a')).toBe(1);
    const error = await failure(chat(client, { disable_fallbacks: true, num_retries: 1 }));
    expect(error.status).toBe(503);
    expect(hits('a')).toBe(3);
    const typo = await failure(chat(client, { fallbacks: ['gtp-4'] }));
    expect(typo.status).toBe(400);
    expect(typo.message).toContain('gtp-4');
  });
});

describe('streams', () => {
  const stream = async (client: OpenAI) => {
    const { data, response } = await client.chat.completions.create({ model: 'gpt', messages: hi, stream: true }).withResponse();
    let text = '';
    const error = await (async () => {
      for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
    })().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    return { text, error, id: response.headers.get('x-tollgate-model-id') };
  };

  it('retries a failure before the first chunk on another deployment', async () => {
    const client = await start(list(on('gpt', 'a', 'weight: 1000'), on('gpt', 'b')));
    servers['a']!.respond((_r, res) => fail(500)(res));
    servers['b']!.respond((_r, res) => sendSse(res, streamEvents));
    expect(await stream(client)).toEqual({ text: 'Hello! How can I help?', error: undefined, id: 'gpt-b' });
  });

  // A 0.2 s stream_timeout: the upstream below stays silent far longer than that.
  it('treats an upstream that sends nothing within stream_timeout as a timeout, and retries elsewhere', async () => {
    const client = await start(list(on('gpt', 'a', 'weight: 1000, stream_timeout: 0.2'), on('gpt', 'b')));
    servers['a']!.respond(async (_r, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      await sleep(2500);
      if (!res.destroyed) res.end();
    });
    servers['b']!.respond((_r, res) => sendSse(res, streamEvents));
    const result = await stream(client);
    expect(result.id).toBe('gpt-b');
    expect(result.text).toBe('Hello! How can I help?');
  });

  it('ends a stream that fails after its first chunk with an OpenAI error event, without retrying', async () => {
    const client = await start(list(on('gpt', 'a', 'weight: 1000'), on('gpt', 'b')));
    servers['a']!.respond(async (_r, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const event of streamEvents.slice(0, 3)) res.write(event);
      await sleep(50);
      res.destroy();
    });
    const result = await stream(client);
    expect(result.text).toBe('Hello!');
    expect(result.error).toBeInstanceOf(OpenAI.APIError);
    expect(hits('a') + hits('b')).toBe(1);
  });

  it('ends a stream whose upstream falls silent for longer than stream_timeout with an error event', async () => {
    const client = await start(list(on('gpt', 'a', 'stream_timeout: 0.2')));
    servers['a']!.respond(async (_r, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const event of streamEvents.slice(0, 2)) res.write(event);
      await sleep(2500);
      if (!res.destroyed) res.end();
    });
    const result = await stream(client);
    expect(result.error).toBeInstanceOf(OpenAI.APIError);
    expect(result.error!.message).toMatch(/did not answer in time/);
  });
});

describe('routing strategies through the gateway', () => {
  it('least-busy sends a request past a deployment that is still streaming', async () => {
    const client = await start(list(on('gpt', 'a'), on('gpt', 'b')), '{ routing_strategy: least-busy }');
    for (const name of ['a', 'b']) servers[name]!.respond((r, res) => (r.json.stream ? sendSse(res, streamEvents, 100) : answer(name)(res)));
    const first = await client.chat.completions.create({ model: 'gpt', messages: hi, stream: true }).withResponse();
    const busy = first.response.headers.get('x-tollgate-model-id');
    const second = await chat(client, {});
    expect(second.id).not.toBe(busy);
    for await (const _chunk of first.data) {
      /* drain */
    }
  });

  it('latency-based-routing settles on the faster deployment', async () => {
    const client = await start(list(on('gpt', 'a'), on('gpt', 'b')), '{ routing_strategy: latency-based-routing }');
    // The runtime's clock is manual: the slow upstream moves it on while it answers.
    servers['a']!.respond((_r, res) => {
      runtime.advance(900);
      answer('a')(res);
    });
    servers['b']!.respond((_r, res) => {
      runtime.advance(30);
      answer('b')(res);
    });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await chat(client)).id!);
    expect(ids.slice(2).filter((id) => id === 'gpt-b').length).toBeGreaterThanOrEqual(16);
  });

  it("usage-based-routing spreads tokens and respects a deployment's rpm for the minute", async () => {
    const client = await start(list(on('gpt', 'a', 'rpm: 2'), on('gpt', 'b', 'rpm: 2')), '{ routing_strategy: usage-based-routing }');
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await chat(client)).id);
    expect(ids.filter((id) => id === 'gpt-a')).toHaveLength(2);
    expect((await failure(chat(client))).status).toBe(429);
    runtime.advance(60_000);
    await chat(client);
  });

  it('cost-based-routing uses the cheapest deployment, by configured prices or the price table, and the next one while it cools down', async () => {
    const client = await start(
      list(
        on('gpt', 'a', 'input_cost_per_token: 0.00001, output_cost_per_token: 0.00003'),
        on('gpt', 'b', '', 'input_cost_per_token: 0.0000001, output_cost_per_token: 0.0000004'),
        // No configured price: the price table's gpt-4o-mini price, between the two above.
        on('gpt', 'c'),
      ),
      '{ routing_strategy: cost-based-routing }',
    );
    for (let i = 0; i < 5; i++) expect((await chat(client)).id).toBe('gpt-b');
    servers['b']!.respond((_r, res) => fail(429)(res));
    expect((await chat(client)).id).toBe('gpt-c');
    expect((await chat(client)).id).toBe('gpt-c');
    expect(hits('a')).toBe(0);
  });
});

describe('/model/info', () => {
  it("lists every deployment in LiteLLM's shape, with no credentials", async () => {
    await start(list(on('gpt', 'a', 'rpm: 10, extra_headers: { authorization: "Bearer sk-hidden-header" }', 'max_input_tokens: 1000, mode: chat, access_token: x'), on('spare', 'b')));
    for (const path of ['/model/info', '/v1/model/info']) {
      const response = await fetch(`${gateway!.url}${path}`, { headers: { authorization: `Bearer ${MASTER}` } });
      expect(response.status).toBe(200);
      const text = await response.text();
      for (const secret of [SECRET, 'sk-hidden-header', 'api_key', 'access_token']) expect(text).not.toContain(secret);
      const { data } = JSON.parse(text) as { data: Array<Record<string, any>> };
      expect(data).toHaveLength(2);
      expect(data[0]).toEqual({
        model_name: 'gpt',
        litellm_params: { model: 'openai/gpt-4o-mini', api_base: `${servers['a']!.url}/v1`, rpm: 10 },
        model_info: expect.objectContaining({ id: 'gpt-a', max_input_tokens: 1000, mode: 'chat', litellm_provider: 'openai', db_model: false }),
      });
    }
    const one = await fetch(`${gateway!.url}/model/info?litellm_model_id=spare-b`, { headers: { authorization: `Bearer ${MASTER}` } });
    expect(((await one.json()) as { data: Array<{ model_name: string }> }).data.map((d) => d.model_name)).toEqual(['spare']);
    expect((await fetch(`${gateway!.url}/model/info`)).status).toBe(401);
  });
});
