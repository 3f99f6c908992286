// Legacy completions' streamed chunks as upstreams send them: a chunk without `choices` (as usage chunks
// may be) passes on with none, rather than failing the stream (the adversarial suite found a 500 here).
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

const MASTER = 'sk-test-master';
let upstream: RecordingServer;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startRecordingServer((_request, res) => {
    const chunk = (body: object) => `data: ${JSON.stringify({ id: 'cmpl-1', object: 'text_completion', created: 1, model: 'gpt-3.5-turbo-instruct', ...body })}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(`${chunk({ choices: [{ index: 0, text: 'hello', finish_reason: null }] })}${chunk({ usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 } })}data: [DONE]\n\n`);
  });
  gateway = await startGateway(`
model_list:
  - model_name: instruct
    litellm_params: { model: openai/gpt-3.5-turbo-instruct, api_base: ${upstream.url}/v1, api_key: sk-upstream }
general_settings: { master_key: ${MASTER} }
`);
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

it('passes a chunk without choices on with none, and the stream ends without an error', async () => {
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
  const stream = await client.completions.create({ model: 'instruct', prompt: 'hi', stream: true });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  // The usage chunk is the gateway's to read: the client did not ask for it.
  expect(chunks.map((chunk) => chunk.choices.map((choice) => choice.text).join(''))).toEqual(['hello']);
});
