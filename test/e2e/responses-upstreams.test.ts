// POST /v1/responses against upstreams scripted event by event: Azure's Responses URL, a client that
// leaves mid-stream (the upstream call is aborted, and the request priced from what was sent), a
// failure after the first byte (an in-band `error` event), and an error as a native stream's first
// event (retried, since nothing reached the client yet).
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../shared/core/types.ts';
import { callRecordOf } from '../../shared/pricing/call-record.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, sendSse, sleep, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

const MASTER = 'sk-responses-upstreams';
let azure: RecordingServer;
let openai: RecordingServer;
let gateway: TestGateway;
let client: OpenAI;
const finished: RequestContext[] = [];

beforeAll(async () => {
  azure = await startRecordingServer();
  openai = await startRecordingServer();
  gateway = await startGateway(
    `
model_list:
  - model_name: azure
    litellm_params: { model: azure/my-gpt-deployment, api_base: ${azure.url}, api_key: azure-key-0123456789 }
  - model_name: openai
    litellm_params: { model: openai/gpt-4.1-mini, api_base: ${openai.url}, api_key: sk-openai-0123456789 }
  - model_name: chat-only
    litellm_params: { model: groq/llama-3.3-70b-versatile, api_base: ${openai.url}, api_key: gsk-0123456789 }
general_settings: { master_key: ${MASTER} }
`,
    {},
    { afterResponse: [(ctx) => void finished.push(ctx)] },
  );
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([azure.close(), openai.close()]);
});
beforeEach(() => {
  finished.length = 0;
  azure.requests.length = 0;
  openai.requests.length = 0;
});

async function lastFinished(): Promise<RequestContext> {
  for (let i = 0; i < 200 && !finished.length; i++) await sleep(5);
  return finished.at(-1)!;
}

/** A `response` object as OpenAI's API reference shows it. */
const answer = (text: string) => ({
  id: 'resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b',
  object: 'response',
  created_at: 1741476542,
  status: 'completed',
  error: null,
  incomplete_details: null,
  model: 'gpt-4.1-2025-04-14',
  output: [{ type: 'message', id: 'msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] }],
  usage: { input_tokens: 36, input_tokens_details: { cached_tokens: 0 }, output_tokens: 87, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 123 },
});
const event = (type: string, fields: object, sequence: number) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...fields })}\n\n`;
const chatChunk = (delta: object) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'llama', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;

describe('native deployments', () => {
  it("calls Azure's Responses API with its key, the deployment named by model", async () => {
    azure.respond((_r, res) => sendJson(res, 200, answer('from azure')));
    const response = await client.responses.create({ model: 'azure', input: 'Hi' });
    expect(response.output_text).toBe('from azure');
    expect(response.model).toBe('azure');
    expect(azure.requests[0]!.url).toBe('/openai/responses?api-version=2025-04-01-preview');
    expect(azure.requests[0]!.headers['api-key']).toBe('azure-key-0123456789');
    expect(azure.requests[0]!.json).toEqual({ model: 'my-gpt-deployment', input: 'Hi' });
    expect(callRecordOf(await lastFinished())!.usage).toMatchObject({ prompt_tokens: 36, completion_tokens: 87 });
  });

  it("lowers max_output_tokens to the model's most, and says so", async () => {
    openai.respond((_r, res) => sendJson(res, 200, answer('short')));
    const { response } = await client.responses.create({ model: 'openai', input: 'Hi', max_output_tokens: 100_000 }).withResponse();
    expect(openai.requests[0]!.json.max_output_tokens).toBe(32_768);
    expect(response.headers.get('x-tollgate-max-tokens-clamped')).toBe('100000->32768');
  });

  it('retries a stream whose first event is an error, since nothing has reached the client yet', async () => {
    openai.respond((_r, res) => {
      openai.respond((_r2, res2) =>
        sendSse(res2, [event('response.created', { response: { ...answer(''), status: 'in_progress', output: [] } }, 0), event('response.completed', { response: answer('second try') }, 1)]),
      );
      return sendSse(res, [event('error', { code: 'server_error', message: 'The server had an error', param: null }, 0)]);
    });
    const response = await client.responses.create({ model: 'openai', input: 'Hi', stream: true, num_retries: 1 } as OpenAI.Responses.ResponseCreateParamsStreaming);
    const types: string[] = [];
    for await (const streamed of response) types.push(streamed.type);
    expect(openai.requests).toHaveLength(2);
    expect(types).toEqual(['response.created', 'response.completed']);
  });

  it('aborts the upstream stream when the client leaves, and prices what was sent', async () => {
    let upstreamClosed: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    const created = answer('');
    openai.respond(async (_r, res) => {
      res.on('close', () => upstreamClosed());
      const deltas = Array.from({ length: 100 }, (_, i) => event('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'word ' }, i + 4));
      await sendSse(
        res,
        [
          event('response.created', { response: { ...created, status: 'in_progress', output: [], usage: null } }, 0),
          event('response.output_item.added', { output_index: 0, item: { type: 'message', id: 'msg_1', status: 'in_progress', role: 'assistant', content: [] } }, 1),
          event('response.content_part.added', { item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }, 2),
          ...deltas,
        ],
        50,
      );
    });
    const controller = new AbortController();
    const stream = await client.responses.create({ model: 'openai', input: 'A long story', stream: true }, { signal: controller.signal });
    let seen = 0;
    try {
      for await (const _event of stream) if (++seen === 5) controller.abort();
    } catch {
      // the client may report its own abort; either way it stopped reading
    }
    await closed;
    const record = callRecordOf(await lastFinished())!;
    expect(record.usage!.completion_tokens).toBeGreaterThan(0);
  });
});

describe('a gateway without its table', () => {
  it('refuses previous_response_id, saying to send the whole conversation', async () => {
    const continued = client.responses.create({ model: 'openai', previous_response_id: 'resp_earlier', input: 'Hi' });
    await expect(continued).rejects.toMatchObject({ status: 400, param: 'previous_response_id', message: expect.stringContaining('Send the whole conversation') });
    expect(openai.requests).toHaveLength(0);
  });
});

describe('bridged deployments', () => {
  it('sends a failure after the first byte as an in-band error event, numbered', async () => {
    openai.respond(async (_r, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chatChunk({ role: 'assistant', content: 'Hel' }));
      await sleep(20);
      res.write('data: {"error":{"message":"The model crashed","type":"server_error","code":"internal_error"}}\n\n');
      res.end();
    });
    const response = await fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat-only', input: 'Hi', stream: true }),
    });
    const frames = (await response.text()).split('\n\n').filter(Boolean);
    const last = frames.at(-1)!;
    expect(last.startsWith('event: error\ndata: ')).toBe(true);
    const error = JSON.parse(last.slice('event: error\ndata: '.length));
    expect(error).toMatchObject({ type: 'error', message: expect.stringContaining('The model crashed') });
    expect(error.sequence_number).toBe(frames.length - 1);
    expect(frames.some((frame) => frame.startsWith('event: response.output_text.delta'))).toBe(true);
  });
});
