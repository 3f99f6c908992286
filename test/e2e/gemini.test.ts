// A LiteLLM-style config with a gemini/ deployment, driven by the official `openai` client: the
// gateway translates OpenAI ⇄ Gemini both ways, streamed and not, tools and images included, and
// maps Gemini's failures (quota, safety, context window, key) to the errors OpenAI clients know.
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, sendSse, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/gemini/${name}`, import.meta.url), 'utf8');
const json = (name: string) => JSON.parse(fixture(name));
const frames = (name: string) =>
  fixture(name)
    .split('\n\n')
    .filter((e) => e.trim())
    .map((e) => `${e}\n\n`);
const GEMINI_KEY = 'AIzaSyGatewayTestKey-0123456789abcdefghij';
const MASTER = 'sk-test-master';
const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['location'], additionalProperties: false },
  },
};

let upstream: RecordingServer;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startRecordingServer();
  gateway = await startGateway(
    `
model_list:
  - model_name: gemini-flash
    litellm_params:
      model: gemini/gemini-2.5-flash
      api_base: ${upstream.url}
      api_key: os.environ/GEMINI_API_KEY
  - model_name: gemini-embedding
    litellm_params:
      model: gemini/gemini-embedding-001
      api_base: ${upstream.url}/v1beta
general_settings: { master_key: ${MASTER} }
`,
    { GEMINI_API_KEY: GEMINI_KEY },
  );
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});
beforeEach(() => void (upstream.requests.length = 0));

describe('gemini through the openai client', () => {
  it('translates a non-streamed chat with a system prompt and parallel tool calls', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, json('generate-function-call.json')));
    const completion = await client.chat.completions.create({
      model: 'gemini-flash',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather and time in San Francisco?' },
      ],
      tools: [weatherTool],
      tool_choice: 'auto',
      max_tokens: 200,
    });
    const sent = upstream.requests[0]!;
    expect(sent.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    expect(sent.json).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Weather and time in San Francisco?' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Current weather',
              parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['location'] },
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
      generationConfig: { maxOutputTokens: 200 },
    });
    const choice = completion.choices[0]!;
    expect(completion.model).toBe('gemini-flash');
    expect(choice.finish_reason).toBe('tool_calls');
    const calls = choice.message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[];
    expect(calls.map((c) => c.function.name)).toEqual(['get_weather', 'get_time']);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    expect(JSON.parse(calls[0]!.function.arguments)).toEqual({ location: 'San Francisco, CA', unit: 'celsius' });
    expect(completion.usage).toMatchObject({ prompt_tokens: 118, completion_tokens: 34, total_tokens: 152 });
  });

  it('sends tool results back under their function names, with the thought signature the call id carried', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, json('generate-function-call.json')));
    const first = await client.chat.completions.create({ model: 'gemini-flash', messages: [{ role: 'user', content: 'Weather and time?' }], tools: [weatherTool] });
    const calls = first.choices[0]!.message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[];
    upstream.respond((_r, res) => sendJson(res, 200, json('generate-text.json')));
    const second = await client.chat.completions.create({
      model: 'gemini-flash',
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather and time?' },
        first.choices[0]!.message as OpenAI.ChatCompletionAssistantMessageParam,
        { role: 'tool', tool_call_id: calls[0]!.id, content: '15 degrees' },
        { role: 'tool', tool_call_id: calls[1]!.id, content: '10:42' },
      ],
    });
    expect(upstream.requests[1]!.json.contents.slice(1)).toEqual([
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { location: 'San Francisco, CA', unit: 'celsius' } }, thoughtSignature: 'CiQB0e2Kb3Vw9wH2qB5ZsnNq8mY0o0mXh3Zb4kq1Yt5Qx2g=' },
          { functionCall: { name: 'get_time', args: { timezone: 'America/Los_Angeles' } } },
        ],
      },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { content: '15 degrees' } } }, { functionResponse: { name: 'get_time', response: { content: '10:42' } } }] },
    ]);
    expect(second.choices[0]!.message.content).toContain('the tide keeps its time.');
    expect((second.choices[0]!.message as { reasoning_content?: string }).reasoning_content).toContain('haiku');
  });

  it('streams reasoning, text and a tool call the client assembles, with usage on request', async () => {
    upstream.respond((_r, res) => sendSse(res, frames('stream-function-call.sse')));
    const runner = client.chat.completions.stream({
      model: 'gemini-flash',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
      reasoning_effort: 'low',
      stream_options: { include_usage: true },
    });
    const final = await runner.finalChatCompletion();
    expect(upstream.requests[0]!.url).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(upstream.requests[0]!.json.generationConfig.thinkingConfig).toEqual({ thinkingBudget: 1024, includeThoughts: true });
    const choice = final.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe('Let me look that up.');
    const call = choice.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ location: 'Paris', unit: 'celsius' });
    expect(final.usage).toMatchObject({ prompt_tokens: 96, completion_tokens: 66, completion_tokens_details: { reasoning_tokens: 44 } });
  });

  it('streams plain text chunk by chunk', async () => {
    upstream.respond((_r, res) => sendSse(res, frames('stream-text.sse')));
    const stream = await client.chat.completions.create({ model: 'gemini-flash', messages: [{ role: 'user', content: 'A haiku' }], stream: true });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      expect(chunk.model).toBe('gemini-flash');
    }
    expect(text).toBe('Waves fold into foam,\nsalt wind carries gull voices,\nthe tide keeps its time.');
    expect(finish).toBe('stop');
  });

  it('sends images inline (data: URLs) and by reference (https URLs)', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, json('generate-text.json')));
    await client.chat.completions.create({
      model: 'gemini-flash',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect(upstream.requests[0]!.json.contents[0].parts).toEqual([
      { text: 'What is in these?' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('retries a 429 and answers once Gemini does', async () => {
    let calls = 0;
    upstream.respond((_r, res) => (++calls === 1 ? sendJson(res, 429, json('error-rate-limit.json')) : sendJson(res, 200, json('generate-text.json'))));
    const completion = await client.chat.completions.create({ model: 'gemini-flash', messages: [{ role: 'user', content: 'x' }] });
    expect(upstream.requests).toHaveLength(2);
    expect(completion.choices[0]!.message.content).toContain('Waves fold');
  });

  it('answers a persistent 429 with 429 and the retry delay Gemini gave', async () => {
    upstream.respond((_r, res) => sendJson(res, 429, json('error-rate-limit.json')));
    const error = await client.chat.completions.create({ model: 'gemini-flash', messages: [{ role: 'user', content: 'x' }], num_retries: 0 } as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('7');
  });

  it.each([
    ['prompt-blocked.json', 200, 400, 'content_policy_violation'],
    ['answer-blocked.json', 200, 400, 'content_policy_violation'],
    ['error-context-length.json', 400, 400, 'context_length_exceeded'],
    ['error-invalid-key.json', 400, 401, '401'],
  ] as const)('maps %s to an OpenAI error (%i → %i %s)', async (name, status, expected, code) => {
    upstream.respond((_r, res) => sendJson(res, status, json(name)));
    const error = await client.chat.completions.create({ model: 'gemini-flash', messages: [{ role: 'user', content: 'x' }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, name).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(expected);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe(code);
    expect((error as Error).message).not.toContain(GEMINI_KEY);
    expect(gateway.log.text()).not.toContain(GEMINI_KEY);
  });

  it('refuses a safety-blocked streamed prompt with a 400 before any chunk', async () => {
    upstream.respond((_r, res) => sendSse(res, [`data: ${JSON.stringify(json('prompt-blocked.json'))}\n\n`]));
    await expect(client.chat.completions.create({ model: 'gemini-flash', messages: [{ role: 'user', content: 'x' }], stream: true })).rejects.toMatchObject({
      status: 400,
      code: 'content_policy_violation',
    });
  });
});

describe('gemini embeddings through the openai client', () => {
  it('embeds a list with dimensions, floats and base64, reporting usage', async () => {
    // One embedding per request in the batch, as Gemini answers.
    upstream.respond((r, res) => sendJson(res, 200, { embeddings: json('batch-embed-contents.json').embeddings.slice(0, r.json.requests.length), usageMetadata: { promptTokenCount: 7 } }));
    const floats = await client.embeddings.create({ model: 'gemini-embedding', input: ['first text', 'second text'], dimensions: 8, encoding_format: 'float' });
    const sent = upstream.requests[0]!;
    expect(sent.url).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(sent.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    expect(sent.json.requests.map((r: { content: unknown; outputDimensionality: number }) => [r.content, r.outputDimensionality])).toEqual([
      [{ parts: [{ text: 'first text' }] }, 8],
      [{ parts: [{ text: 'second text' }] }, 8],
    ]);
    expect(floats.model).toBe('gemini-embedding');
    expect(floats.data.map((d) => d.embedding)).toEqual(json('batch-embed-contents.json').embeddings.map((e: { values: number[] }) => e.values));
    expect(floats.usage).toEqual({ prompt_tokens: 7, total_tokens: 7 });
    // The openai client asks for base64 by default and decodes it back to floats (float32 precision).
    const decoded = await client.embeddings.create({ model: 'gemini-embedding', input: 'first text' });
    expect(decoded.data[0]!.embedding).toEqual(json('batch-embed-contents.json').embeddings[0].values.map((v: number) => Math.fround(v)));
  });

  it('refuses token-id input with a 400 that says what to send', async () => {
    const error = await client.embeddings.create({ model: 'gemini-embedding', input: [1, 2, 3] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain('text only');
  });
});
