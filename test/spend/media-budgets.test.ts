// Budgets hold exactly for calls priced in other units than tokens: an image reserves its price per
// image before it is made (a key whose budget fits two images gets exactly two, however many requests
// arrive at once), a transcription the seconds its file can play, speech its characters, rerank its
// search units; the ledger records the units counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { itemKeys } from '../../shared/store/table.ts';
import { toFile } from 'openai';
import { wavFile } from '../helpers/audio.ts';
import { sendJson, sleep, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { eventually, MASTER, outcome, startDynamo, startSpendGateway, type SpendGateway } from './support.ts';

const IMAGE_PRICE = 0.04;

let dynamo: EmbeddedDynamo;
let upstream: RecordingServer;
let gateway: SpendGateway;

beforeAll(async () => {
  dynamo = await startDynamo();
  upstream = await startRecordingServer(async (request, res) => {
    // Slow enough that every request is admitted or refused while the first ones are still running.
    await sleep(30);
    if (request.url.endsWith('/audio/transcriptions')) return sendJson(res, 200, { text: 'hello', usage: { type: 'duration', seconds: 3 } });
    if (request.url.endsWith('/moderations')) return sendJson(res, 200, { id: 'modr-1', model: 'omni-moderation-latest', results: [{ flagged: false }] });
    if (request.url.endsWith('/v2/rerank')) return sendJson(res, 200, { id: 'r', results: [{ index: 0, relevance_score: 0.5 }], meta: { billed_units: { search_units: 1 } } });
    if (request.url.endsWith('/audio/speech')) return void res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(Buffer.from([0xff, 0xfb, 0x90]));
    sendJson(res, 200, { created: 1, data: Array.from({ length: request.json.n ?? 1 }, () => ({ url: 'https://images.example/x.png' })) });
  });
  gateway = await startSpendGateway(
    dynamo.endpoint,
    `
model_list:
  - model_name: painter
    litellm_params: { model: openai/dall-e-3, api_base: ${upstream.url}, api_key: sk-upstream-secret, output_cost_per_image: ${IMAGE_PRICE} }
  - model_name: whisper
    litellm_params: { model: openai/whisper-1, api_base: ${upstream.url}, api_key: sk-upstream-secret, input_cost_per_second: 0.01 }
  - model_name: moderation
    litellm_params: { model: openai/omni-moderation-latest, api_base: ${upstream.url}, api_key: sk-upstream-secret }
  - model_name: reranker
    litellm_params: { model: cohere/rerank-v3.5, api_base: ${upstream.url}, api_key: co-upstream-secret }
  - model_name: tts
    litellm_params: { model: openai/tts-1, api_base: ${upstream.url}, api_key: sk-upstream-secret, input_cost_per_character: 0.001 }
general_settings: { master_key: ${MASTER} }
`,
  );
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
  await dynamo.close();
});

/** The key's counters once every request on it has settled. */
const settled = (token: string) =>
  eventually(async () => {
    const item = (await gateway.store.get<Record<string, number>>(itemKeys.key(token)))!;
    expect(item['parallel_requests']).toBe(0);
    return item;
  });

/** The ledger record of a request, once written. */
const spendRecord = (requestId: string) =>
  eventually(async () => {
    const logs = await fetch(`${gateway.url}/spend/logs?request_id=${requestId}`, { headers: { authorization: `Bearer ${MASTER}` } });
    const body = (await logs.json()) as any[];
    expect(body).toHaveLength(1);
    return body[0];
  });

describe('budgets for calls priced in other units', () => {
  it('lets exactly two images through a budget that fits two, when 20 requests arrive at once', async () => {
    const { key, token } = (await gateway.admin('POST', '/key/generate', { max_budget: 2 * IMAGE_PRICE })).body as { key: string; token: string };
    const client = gateway.client(key);
    const results = await Promise.all(Array.from({ length: 20 }, () => outcome(client.images.generate({ model: 'painter', prompt: 'a fox' }))));
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused.every((r) => r.status === 400 && r.error.type === 'budget_exceeded')).toBe(true);
    const item = await settled(token);
    expect(item['spend']).toBeCloseTo(2 * IMAGE_PRICE, 9);
    expect(item['budget_committed']).toBeCloseTo(2 * IMAGE_PRICE, 9);
    expect(upstream.requests).toHaveLength(2);
  });

  it('reserves every image asked for: n images must fit the budget before any is made', async () => {
    const { key } = (await gateway.admin('POST', '/key/generate', { max_budget: 2 * IMAGE_PRICE })).body as { key: string };
    upstream.requests.length = 0;
    const result = await outcome(gateway.client(key).images.generate({ model: 'painter', prompt: 'a fox', n: 3 }));
    expect(result.status).toBe(400);
    expect(result.error.type).toBe('budget_exceeded');
    expect(upstream.requests).toHaveLength(0);
  });

  it('records the images counted in the spend record', async () => {
    const { key } = (await gateway.admin('POST', '/key/generate', {})).body as { key: string };
    const { response } = await gateway.client(key).images.generate({ model: 'painter', prompt: 'a fox', n: 2, size: '1024x1024' }).withResponse();
    const requestId = response.headers.get('x-litellm-call-id')!;
    const log = await spendRecord(requestId);
    expect(log).toMatchObject({ call_type: 'aimage_generation', spend: 2 * IMAGE_PRICE, model_group: 'painter' });
    expect(log.metadata.priced_units).toEqual({ images: 2, pixels: 2 * 1024 * 1024 });
  });

  it('reserves a transcription by the seconds the file can play, and charges the seconds heard', async () => {
    // A 4-second WAV file reserves 5 seconds at $0.01: a budget of $0.04 does not fit it.
    const file = () => toFile(wavFile(4), 'speech.wav', { type: 'audio/wav' });
    const small = (await gateway.admin('POST', '/key/generate', { max_budget: 0.04 })).body as { key: string };
    const refused = await outcome(gateway.client(small.key).audio.transcriptions.create({ file: await file(), model: 'whisper' }));
    expect(refused.error?.type).toBe('budget_exceeded');
    const { key, token } = (await gateway.admin('POST', '/key/generate', { max_budget: 0.05 })).body as { key: string; token: string };
    await gateway.client(key).audio.transcriptions.create({ file: await file(), model: 'whisper' });
    const item = await settled(token);
    expect(item['spend']).toBeCloseTo(0.03, 9);
  });

  it('reserves rerank by the search units its documents can take: 100 documents a unit', async () => {
    // rerank-v3.5: $0.002 a search unit. 150 short documents are two units: over a one-unit budget.
    const { key, token } = (await gateway.admin('POST', '/key/generate', { max_budget: 0.002 })).body as { key: string; token: string };
    const rerank = (documents: number) =>
      fetch(`${gateway.url}/v1/rerank`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'reranker', query: 'q', documents: Array.from({ length: documents }, (_, i) => `doc ${i}`) }),
      });
    const refused = await rerank(150);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { type: string } }).error.type).toBe('budget_exceeded');
    expect((await rerank(100)).status).toBe(200);
    const item = await settled(token);
    expect(item['spend']).toBeCloseTo(0.002, 9);
  });

  it('records free moderations at zero cost, and still counts them against rate limits', async () => {
    const { key } = (await gateway.admin('POST', '/key/generate', { max_budget: 1, rpm_limit: 2 })).body as { key: string };
    const client = gateway.client(key);
    const { response } = await client.moderations.create({ model: 'moderation', input: 'hello' }).withResponse();
    expect(response.headers.get('x-litellm-response-cost')).toBe('0');
    const requestId = response.headers.get('x-litellm-call-id')!;
    const log = await spendRecord(requestId);
    expect(log).toMatchObject({ call_type: 'amoderation', spend: 0 });
    await client.moderations.create({ model: 'moderation', input: 'again' });
    const third = await outcome(client.moderations.create({ model: 'moderation', input: 'and again' }));
    expect(third.status).toBe(429);
  });

  it('records the characters spoken before the audio ends', async () => {
    const { key } = (await gateway.admin('POST', '/key/generate', { max_budget: 0.005 })).body as { key: string };
    // Six characters at $0.001 is over a $0.005 budget: refused before anything is spoken.
    expect((await outcome(gateway.client(key).audio.speech.create({ model: 'tts', input: 'Hello!', voice: 'alloy' }))).error?.type).toBe('budget_exceeded');
    const response = await gateway.client(key).audio.speech.create({ model: 'tts', input: 'Héllo', voice: 'alloy' });
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([0xff, 0xfb, 0x90]));
    const requestId = response.headers.get('x-litellm-call-id')!;
    // The ledger record was written before the last byte: it is there as soon as the body is.
    const logs = await fetch(`${gateway.url}/spend/logs?request_id=${requestId}`, { headers: { authorization: `Bearer ${MASTER}` } });
    const [log] = (await logs.json()) as any[];
    expect(log).toMatchObject({ call_type: 'aspeech', spend: 0.005 });
    expect(log.metadata.priced_units).toEqual({ characters: 5 });
  });
});
