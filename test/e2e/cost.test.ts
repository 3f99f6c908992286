// Every request is priced: non-streamed answers carry the cost in headers, streams in the usage
// chunk, and a stream cut short is priced from what was sent.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../shared/core/types.ts';
import { callRecordOf } from '../../shared/pricing/call-record.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, sendSse, sleep, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

const MASTER = 'sk-test-master';
const USAGE = { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 200 } };
// gpt-4o: $2.50 / 1M input, $1.25 / 1M cached, $10 / 1M output; plus the 10% margin configured below.
const PROVIDER_COST = 1000 * 2.5e-6 + 200 * 1.25e-6 + 300 * 1e-5;
const CHARGED = Math.round(PROVIDER_COST * 1.1 * 1e9) / 1e9;

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const usageChunk = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [], usage: USAGE })}\n\n`;

let upstream: RecordingServer;
let gateway: TestGateway;
let client: OpenAI;
const finished: RequestContext[] = [];

beforeAll(async () => {
  upstream = await startRecordingServer();
  gateway = await startGateway(
    `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: ${upstream.url}, api_key: sk-upstream }
litellm_settings:
  cost_margin_config: { openai: 0.1 }
general_settings: { master_key: ${MASTER} }
`,
    {},
    { afterResponse: [(ctx) => void finished.push(ctx)] },
  );
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});
beforeEach(() => void (finished.length = 0));

describe('cost of a request', () => {
  it('sends the charged cost in headers of a non-streamed answer, and keeps provider cost beside it', async () => {
    upstream.respond((_r, res) =>
      sendJson(res, 200, {
        id: 'c',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o',
        choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
        usage: USAGE,
      }),
    );
    const { response } = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(Number(response.headers.get('x-tollgate-response-cost'))).toBeCloseTo(CHARGED, 12);
    expect(response.headers.get('x-litellm-response-cost')).toBe(response.headers.get('x-tollgate-response-cost'));
    await sleep(20);
    expect(callRecordOf(finished[0]!)!.cost!.provider).toBeCloseTo(PROVIDER_COST, 12);
    expect(callRecordOf(finished[0]!)!.cost!.charged).toBeCloseTo(CHARGED, 12);
  });

  it('puts the same cost in the usage chunk of the same request streamed', async () => {
    upstream.respond((_r, res) => sendSse(res, [chunk({ role: 'assistant', content: '' }), chunk({ content: 'hi' }), chunk({}, 'stop'), usageChunk, 'data: [DONE]\n\n']));
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    let usage: (OpenAI.CompletionUsage & { cost?: number }) | undefined;
    for await (const part of stream) usage = part.usage ?? usage;
    expect(usage!.cost).toBeCloseTo(CHARGED, 12);
  });

  it('prices a stream the client did not ask usage for, from the usage the gateway asked for', async () => {
    upstream.respond((_r, res) => sendSse(res, [chunk({ role: 'assistant', content: '' }), chunk({ content: 'hi' }), chunk({}, 'stop'), usageChunk, 'data: [DONE]\n\n']));
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true });
    for await (const part of stream) expect(part.usage).toBeFalsy();
    await sleep(20);
    expect(callRecordOf(finished[0]!)!.cost!.charged).toBeCloseTo(CHARGED, 12);
    expect(callRecordOf(finished[0]!)!.usageEstimated).toBeUndefined();
  });

  it('prices a stream cut short by the client from what was sent', async () => {
    upstream.respond(async (_r, res) => {
      await sendSse(res, [chunk({ role: 'assistant', content: '' }), ...Array.from({ length: 50 }, () => chunk({ content: 'word ' }))], 40);
    });
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true }, { signal: controller.signal });
    let received = 0;
    try {
      for await (const _part of stream) if (++received === 4) controller.abort();
    } catch {
      // the client's own abort
    }
    for (let i = 0; i < 50 && finished.length === 0; i++) await sleep(20);
    const call = callRecordOf(finished[0]!)!;
    expect(call.usageEstimated).toBe(true);
    expect(call.usage!.completion_tokens).toBeGreaterThan(0);
    expect(call.cost!.charged).toBeGreaterThan(0);
  });
});
