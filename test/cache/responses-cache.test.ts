// /v1/responses cached like chat, through the official `openai` client: an OpenAI deployment's answer
// (its own Responses API, on the fake) and an Anthropic one's (bridged through chat), each stored once
// whole and served to a whole request and replayed to a streamed one as the events a live stream sends,
// usage included; a hit is a new response with ids of its own, retrievable by id when stored; the key
// holds what changes the answer (input, instructions, sampling, text.format, reasoning, tools) and
// not `user`, `metadata` or `store`; a conversation continued by `previous_response_id` is cached for
// the key that may read it, and another team's key is refused before the cache is asked.
import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { startFakeAnthropic } from '../helpers/fake-anthropic.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { type RecordingServer, sleep, startRecordingServer } from '../helpers/recording-server.ts';
import { outcome } from '../spend/support.ts';
import { cacheConfig, MASTER, startCacheGateway, startDynamo, startFakeUpstream, type CacheGateway, type FakeUpstream } from './support.ts';

const OPENAI_KEY = 'sk-proj-responses-cache';
const ANTHROPIC_KEY = 'sk-ant-responses-cache';

let dynamo: EmbeddedDynamo;
let openai: RecordingServer;
let anthropic: RecordingServer;
let chat: FakeUpstream;
/** An OpenAI Responses API that starts a stream and drops the connection before it completes. */
let cut: RecordingServer;
let gateway: CacheGateway;
let client: OpenAI;

beforeAll(async () => {
  dynamo = await startDynamo();
  openai = await startFakeOpenAI({ apiKey: OPENAI_KEY, models: { 'gpt-4.1-mini': { maxOutputTokens: 32_768, reasoning: false } } });
  anthropic = await startFakeAnthropic({ apiKey: ANTHROPIC_KEY, models: { 'claude-sonnet-4-5': 64_000 } });
  chat = await startFakeUpstream();
  cut = await startRecordingServer(async (_request, res) => {
    const started = { id: 'resp_cut', object: 'response', created_at: 1, status: 'in_progress', model: 'gpt-4.1-mini', output: [], usage: null };
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(`event: response.created\ndata: ${JSON.stringify({ type: 'response.created', sequence_number: 0, response: started })}\n\n`);
    res.write(
      `event: response.output_text.delta\ndata: ${JSON.stringify({ type: 'response.output_text.delta', sequence_number: 1, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Half' })}\n\n`,
    );
    await sleep(20);
    res.destroy();
  });
  const models =
    `  - model_name: native\n    litellm_params: { model: openai/gpt-4.1-mini, api_base: ${openai.url}/v1, api_key: ${OPENAI_KEY} }\n` +
    `  - model_name: cut\n    litellm_params: { model: openai/gpt-4.1-mini, api_base: ${cut.url}/v1, api_key: ${OPENAI_KEY} }\n` +
    `  - model_name: claude\n    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: ${anthropic.url}, api_key: ${ANTHROPIC_KEY} }\n`;
  gateway = await startCacheGateway(dynamo.endpoint, cacheConfig(chat.url, '{ type: redis }').replace('model_list:\n', `model_list:\n${models}`));
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([openai.close(), anthropic.close(), chat.close(), cut.close()]);
  await dynamo.close();
});

/** A miss is stored after its response went out. */
const stored = () => new Promise((resolve) => setTimeout(resolve, 300));
let counter = 0;
const fresh = (model: string, extra: Record<string, unknown> = {}) => ({ model, input: `Say something about caching, please (${++counter} at ${Date.now()})`, ...extra });
/** Calls a fake upstream answered on the Responses API or on Anthropic's Messages API. */
const calls = () => openai.requests.length + anthropic.requests.length;

async function create(body: Record<string, unknown>, key = MASTER) {
  const { data, response } = await new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 }).responses.create({ ...body, stream: false } as any).withResponse();
  return { response: data as OpenAI.Responses.Response, cache: response.headers.get('x-tollgate-cache') };
}

/** A streamed request's events and the response its last event carries. */
async function streamed(body: Record<string, unknown>) {
  const { data, response } = await client.responses.create({ ...body, stream: true } as any).withResponse();
  const events: ResponseStreamEvent[] = [];
  for await (const event of data as unknown as AsyncIterable<ResponseStreamEvent>) events.push(event);
  const last = events.at(-1) as { response?: OpenAI.Responses.Response };
  return { events, response: last.response!, cache: response.headers.get('x-tollgate-cache') };
}

/** The events' types, a run of deltas of one part counted once (a live upstream splits text as it likes). */
function shape(events: ResponseStreamEvent[]): string[] {
  return events.map((event) => event.type).filter((type, i, types) => !(type.endsWith('.delta') && types[i - 1] === type));
}

/** The sequence numbers count from 0, one per event. */
function numbered(events: ResponseStreamEvent[]): boolean {
  return events.every((event, i) => event.sequence_number === i);
}

describe('the cache on /v1/responses', () => {
  for (const model of ['native', 'claude']) {
    it(`stores a ${model} deployment's streamed answer and replays it as a live stream's events, usage included`, async () => {
      const body = fresh(model);
      const live = await streamed(body);
      expect(live.cache).toBe('miss');
      await stored();
      const before = calls();

      const replay = await streamed(body);
      expect(replay.cache).toBe('hit');
      expect(calls()).toBe(before);
      expect(replay.response.output_text ?? '').toBe(live.response.output_text ?? '');
      expect(replay.response.output.map((item) => item.type)).toEqual(live.response.output.map((item) => item.type));
      expect(replay.response.usage).toEqual(live.response.usage);
      expect(replay.response.model).toBe(model);
      expect(shape(replay.events)).toEqual(shape(live.events));
      expect(numbered(replay.events)).toBe(true);
      const text = (events: ResponseStreamEvent[]) => events.flatMap((event) => (event.type === 'response.output_text.delta' ? [event.delta] : [])).join('');
      expect(text(replay.events)).toBe(text(live.events));
      // A new response, with new item ids, stored for whoever asked.
      expect(replay.response.id).not.toBe(live.response.id);
      expect(replay.response.output[0]!.id).not.toBe(live.response.output[0]!.id);
      const retrieved = await client.responses.retrieve(replay.response.id);
      expect(retrieved.output).toEqual(replay.response.output);

      // The SDK's own stream helper reads the replay whole.
      const helped = await client.responses.stream(body as any).finalResponse();
      expect(helped.output_text).toBe(text(live.events));

      const whole = await create(body);
      expect(whole.cache).toBe('hit');
      expect(whole.response.output_text).toBe(text(live.events));
      expect(calls()).toBe(before);
    });
  }

  it('never stores a stream cut short before its response completed', async () => {
    const body = fresh('cut');
    for (let i = 0; i < 2; i++) {
      const ended = await streamed(body).then(
        ({ events }) => events.at(-1)?.type,
        (error: Error) => error.name,
      );
      expect(ended).not.toBe('response.completed');
      await stored();
    }
    expect(cut.requests.length).toBe(2);
  });

  it('keys on what changes the answer, not on user, metadata or store', async () => {
    const body = fresh('native', { instructions: 'Be brief.', temperature: 0.5 });
    const first = await create(body);
    expect(first.cache).toBe('miss');
    await stored();
    const before = openai.requests.length;
    expect((await create({ ...body, user: 'someone', metadata: { trace: 'x' }, store: false })).cache).toBe('hit');
    expect((await create({ ...body, instructions: 'Be thorough.' })).cache).toBe('miss');
    expect((await create({ ...body, temperature: 0.2 })).cache).toBe('miss');
    expect((await create({ ...body, text: { format: { type: 'json_object' } } })).cache).toBe('miss');
    expect((await create({ ...body, tools: [{ type: 'function', name: 'f', parameters: { type: 'object', properties: {} } }] })).cache).toBe('miss');
    expect(openai.requests.length - before).toBe(4);
    const reasoning = fresh('claude', { max_output_tokens: 2048 });
    await create(reasoning);
    await stored();
    expect((await create({ ...reasoning, reasoning: { effort: 'low' } })).cache).toBe('miss');
  });

  it('echoes the hit request’s own metadata and store; a hit with store false is not kept', async () => {
    const body = fresh('native');
    await create(body);
    await stored();
    const hit = await create({ ...body, metadata: { run: '7' }, store: false });
    expect(hit.cache).toBe('hit');
    expect(hit.response.metadata).toEqual({ run: '7' });
    expect((hit.response as unknown as { store: boolean }).store).toBe(false);
    expect((await outcome(client.responses.retrieve(hit.response.id))).status).toBe(404);
  });

  it('caches a conversation continued by previous_response_id for the keys that may read it, and refuses other teams before the cache', async () => {
    for (const team of ['responses-a', 'responses-b']) expect((await gateway.admin('POST', '/team/new', { team_id: team })).status).toBe(200);
    const keyOf = async (team: string) => (await gateway.admin('POST', '/key/generate', { team_id: team })).body.key as string;
    const [a1, a2, b] = [await keyOf('responses-a'), await keyOf('responses-a'), await keyOf('responses-b')];
    const first = await create(fresh('native'), a1);
    const next = { model: 'native', input: 'And then?', previous_response_id: first.response.id };
    const second = await create(next, a1);
    expect(second.cache).toBe('miss');
    await stored();
    const before = openai.requests.length;
    const again = await create(next, a2);
    expect(again.cache).toBe('hit');
    expect(again.response.output_text).toBe(second.response.output_text);
    expect(again.response.previous_response_id).toBe(first.response.id);
    expect(openai.requests.length).toBe(before);
    // The hit continues too: a third turn from it reaches the upstream with the whole conversation.
    const third = await create({ model: 'native', input: 'Last one.', previous_response_id: again.response.id }, a2);
    expect(third.cache).toBe('miss');
    expect(openai.requests.at(-1)!.json.input.length).toBeGreaterThan(1);
    expect((await outcome(create(next, b))).status).toBe(404);
  });
});
