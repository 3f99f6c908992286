// Usage an upstream reports is believed only if it can be true for the request: a negative, fractional
// or astronomical count is the upstream's error (502, or in-band in a stream), and the request is
// charged an estimate of what was sent and received — never a negative amount, never more than was
// reserved — with its ledger record written all the same.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { itemKeys } from '../../shared/store/table.ts';
import { sendJson, sendSse, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { ask, completion, eventually, outcome, spendConfig, startDynamo, startSpendGateway, type SpendGateway } from './support.ts';

let dynamo: EmbeddedDynamo;
let upstream: RecordingServer;
let gateway: SpendGateway;

beforeAll(async () => {
  dynamo = await startDynamo();
  upstream = await startRecordingServer();
  gateway = await startSpendGateway(dynamo.endpoint, spendConfig(upstream.url));
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
  await dynamo.close();
});

/** An upstream that answers "hello" and reports `usage` as it is given (OpenAI's shape, streamed when asked). */
function reporting(usage: Record<string, unknown>): void {
  upstream.respond(async (request, res: ServerResponse) => {
    if (request.url.endsWith('/embeddings')) return sendJson(res, 200, { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.5] }], model: 'gpt-4o', usage });
    if (!request.json?.stream) return sendJson(res, 200, { ...completion({ prompt_tokens: 0, completion_tokens: 0 }), usage });
    const chunk = (body: Record<string, unknown>) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', ...body })}\n\n`;
    await sendSse(res, [chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }] }), chunk({ choices: [], usage }), 'data: [DONE]\n\n']);
  });
}

const newKey = async (fields: Record<string, unknown>) => (await gateway.admin('POST', '/key/generate', fields)).body as { key: string; token: string };
const item = async (token: string) => (await gateway.store.get<Record<string, number>>(itemKeys.key(token)))!;
/** The key's counters once every request has settled. */
const settled = (token: string) =>
  eventually(async () => {
    const counters = await item(token);
    expect(counters['parallel_requests'] ?? 0).toBe(0);
    return counters;
  });
/** The one ledger record of `requestId`. */
const recordOf = (requestId: string) => eventually(async () => (await gateway.store.get<Record<string, any>>(itemKeys.spendLog(requestId)))!);

describe('usage an upstream reports', () => {
  it("never lowers spend: a negative count is the upstream's error, and the request is charged an estimate", async () => {
    const { key, token } = await newKey({ max_budget: 1, spend: 0.9 });
    reporting({ prompt_tokens: -1_000_000, completion_tokens: 5, total_tokens: -999_995 });
    const result = await outcome(gateway.client(key).chat.completions.create(ask(100)));
    expect(result.status).toBe(502);
    expect(result.error).toMatchObject({ type: 'api_error', code: '502' });
    expect(result.error.message).toContain('prompt_tokens is -1000000');
    const requestId = result.headers!.get('x-litellm-call-id')!;
    const counters = await settled(token);
    expect(counters['spend']).toBeGreaterThan(0.9);
    expect(counters['spend']).toBeLessThan(0.92);
    expect(counters['budget_committed']).toBeCloseTo(counters['spend']!, 9);
    expect(await recordOf(requestId)).toMatchObject({ status: 'failure', usage_estimated: true, spend: Math.round((counters['spend']! - 0.9) * 1e9) / 1e9 });
  });

  it('never charges more than was reserved: astronomical counts are refused, and the ledger record is written', async () => {
    const { key, token } = await newKey({ max_budget: 1 });
    reporting({ prompt_tokens: 1e17, completion_tokens: 1e17, total_tokens: 2e17 });
    const result = await outcome(gateway.client(key).chat.completions.create(ask(100)));
    expect(result.status).toBe(502);
    const counters = await settled(token);
    expect(counters['spend']).toBeGreaterThan(0);
    expect(counters['spend']).toBeLessThan(0.02);
    const record = await recordOf(result.headers!.get('x-litellm-call-id')!);
    expect(record).toMatchObject({ usage_estimated: true, status: 'failure', spend: counters['spend'] });
    expect(record['prompt_tokens']).toBeLessThan(1000);
  });

  it('refuses fractional counts, and cache or reasoning counts larger than their whole', async () => {
    const { key } = await newKey({});
    for (const usage of [
      { prompt_tokens: 10.5, completion_tokens: 5 },
      { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 11 } },
      { prompt_tokens: 10, completion_tokens: 5, completion_tokens_details: { reasoning_tokens: 6 } },
      { prompt_tokens: '10', completion_tokens: 5 },
    ]) {
      reporting(usage);
      expect((await outcome(gateway.client(key).chat.completions.create(ask(100)))).status).toBe(502);
    }
    reporting({ prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 10 }, completion_tokens_details: { reasoning_tokens: 5 } });
    expect((await outcome(gateway.client(key).chat.completions.create(ask(100)))).status).toBe(200);
  });

  it('in a stream, ends it with the error in-band instead of [DONE], charged an estimate', async () => {
    const { key, token } = await newKey({ max_budget: 1 });
    reporting({ prompt_tokens: -50, completion_tokens: 1 });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...ask(100), stream: true }),
    });
    const text = await response.text();
    expect(text).toContain('"content":"hello"');
    expect(text).toContain('"type":"api_error"');
    expect(text).not.toContain('[DONE]');
    expect((await settled(token))['spend']).toBeGreaterThan(0);
    expect(await recordOf(response.headers.get('x-litellm-call-id')!)).toMatchObject({ usage_estimated: true, status: 'failure' });
  });

  it('holds for /v1/messages and embeddings too', async () => {
    const { key, token } = await newKey({ max_budget: 1 });
    reporting({ prompt_tokens: 12, completion_tokens: -3 });
    const messages = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(messages.status).toBe(502);
    expect(await messages.json()).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    reporting({ prompt_tokens: -7, total_tokens: -7 });
    expect((await outcome(gateway.client(key).embeddings.create({ model: 'embedder', input: 'hello' }))).status).toBe(502);
    const counters = await settled(token);
    expect(counters['spend']).toBeGreaterThan(0);
    expect(counters['budget_committed']).toBeCloseTo(counters['spend']!, 9);
  });
});
