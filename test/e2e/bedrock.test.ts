// A LiteLLM-style config with Bedrock deployments, driven by the official `openai` client: the
// gateway calls a fake Bedrock Runtime (h2c, SigV4-signed, event-stream frames) through the AWS SDK,
// translates Converse both ways, streamed and not, and serves Titan and Cohere embeddings.
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { zodResponseFormat } from 'openai/helpers/zod';
import * as z from 'zod';
import { scriptedConverse } from '../helpers/fake-bedrock-converse.ts';
import { sendBedrockError, sendBedrockJson, sendEventStream, sigV4Scope, startFakeBedrock, type FakeBedrock } from '../helpers/fake-bedrock.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/bedrock/${name}`, import.meta.url), 'utf8'));
const MASTER = 'sk-test-master';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const topSong: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'top_song', description: 'The most popular song on a radio station.', parameters: { type: 'object', properties: { sign: { type: 'string' } }, required: ['sign'] } },
};

let fake: FakeBedrock;
let gateway: TestGateway;
let client: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  fake = await startFakeBedrock();
  gateway = await startGateway(
    `
model_list:
  - model_name: claude
    litellm_params:
      model: bedrock/${MODEL}
      api_base: ${fake.url}
      aws_access_key_id: AKIAIOSFODNN7EXAMPLE
      aws_secret_access_key: os.environ/AWS_SECRET
      aws_region_name: eu-central-1
  - model_name: titan-embed
    litellm_params:
      model: bedrock/amazon.titan-embed-text-v2:0
      api_base: ${fake.url}
  - model_name: cohere-embed
    litellm_params:
      model: bedrock/cohere.embed-english-v3
      api_base: ${fake.url}
general_settings: { master_key: ${MASTER} }
router_settings: { num_retries: 0, allowed_fails: 1000 }
`,
    { AWS_SECRET: SECRET },
  );
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await fake.close();
});
beforeEach(() => void (fake.requests.length = 0));

describe('bedrock chat through the openai client', () => {
  it('answers the openai client’s chat.completions.parse with a nested schema, as LiteLLM’s structured-output test asks Claude on Bedrock', async () => {
    fake.respond(scriptedConverse({ [MODEL]: 64_000 }));
    const event = z.object({ name: z.string(), date: z.string(), participants: z.array(z.string()) });
    const events = { events: [{ name: 'Congress of Vienna', date: '1815', participants: ['Metternich', 'Talleyrand'] }] };
    const result = await client.chat.completions.parse({
      model: 'claude',
      messages: [{ role: 'user', content: `List the events. [[json ${JSON.stringify(events)}]]` }],
      response_format: zodResponseFormat(z.object({ events: z.array(event) }), 'events_list'),
    });
    expect(result.choices[0]!.message.parsed).toEqual(events);
    // Bedrock has no response_format: the schema went as the one tool, forced.
    const sent = fake.requests[0]!.json;
    expect(sent.toolConfig.toolChoice).toEqual({ tool: { name: 'json_tool_call' } });
    expect(sent.toolConfig.tools[0].toolSpec.inputSchema.json.properties.events.type).toBe('array');
  });

  it('translates a non-streamed chat with a system prompt and a tool call, signed for the configured region', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-tool-use.json')));
    const completion = await client.chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Top song on WZPZ?' },
      ],
      tools: [topSong],
      tool_choice: 'auto',
      max_tokens: 300,
      temperature: 0.2,
    });
    const sent = fake.requests[0]!;
    expect(sent.operation).toBe('converse');
    expect(sent.modelId).toBe(MODEL);
    expect(sigV4Scope(sent.headers['authorization'])).toEqual({ region: 'eu-central-1', service: 'bedrock' });
    expect(String(sent.headers['authorization'])).toContain('Credential=AKIAIOSFODNN7EXAMPLE/');
    expect(sent.json).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Top song on WZPZ?' }] }],
      system: [{ text: 'Be brief.' }],
      inferenceConfig: { maxTokens: 300, temperature: 0.2 },
      toolConfig: { tools: [{ toolSpec: { name: 'top_song', description: topSong.function.description, inputSchema: { json: topSong.function.parameters } } }], toolChoice: { auto: {} } },
    });
    const choice = completion.choices[0]!;
    expect(completion.model).toBe('claude');
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toContain('WZPZ');
    const call = choice.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call).toMatchObject({ id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', type: 'function', function: { name: 'top_song' } });
    expect(JSON.parse(call.function.arguments)).toEqual({ sign: 'WZPZ' });
    expect(completion.usage).toMatchObject({ prompt_tokens: 375, completion_tokens: 72, total_tokens: 447 });
  });

  it('sends the tool result back as a toolResult turn after the toolUse', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-text.json')));
    await client.chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'user', content: 'Top song on WZPZ?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'tooluse_1', type: 'function', function: { name: 'top_song', arguments: '{"sign":"WZPZ"}' } }] },
        { role: 'tool', tool_call_id: 'tooluse_1', content: 'Elemental Hotel, by 8 Storey Hike' },
      ],
      tools: [topSong],
    });
    expect(fake.requests[0]!.json.messages).toEqual([
      { role: 'user', content: [{ text: 'Top song on WZPZ?' }] },
      { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_1', name: 'top_song', input: { sign: 'WZPZ' } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_1', content: [{ text: 'Elemental Hotel, by 8 Storey Hike' }] } }] },
    ]);
  });

  it('streams text, then tool-call argument deltas the client assembles, with usage when asked', async () => {
    fake.respond((_r, res) => sendEventStream(res, fixture('stream-tool-use.json')));
    const runner = client.chat.completions.stream({ model: 'claude', messages: [{ role: 'user', content: 'Top song?' }], tools: [topSong], stream_options: { include_usage: true } });
    const final = await runner.finalChatCompletion();
    expect(fake.requests[0]!.operation).toBe('converse-stream');
    const call = final.choices[0]!.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.id).toBe('tooluse_8Xo3mBEmQ2KjQfW1b9t1NQ');
    expect(JSON.parse(call.function.arguments)).toEqual({ sign: 'WZPZ' });
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(final.choices[0]!.message.content).toBe('Let me look up the top song on WZPZ.');
    expect(final.usage).toMatchObject({ prompt_tokens: 675, completion_tokens: 56, total_tokens: 731 });
  });

  it('streams plain text and hides the usage chunk the client did not ask for', async () => {
    fake.respond((_r, res) => sendEventStream(res, fixture('stream-text.json'), 5));
    const stream = await client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    let text = '';
    const finishes: Array<string | null> = [];
    for await (const chunk of stream) {
      expect(chunk.choices.length).toBe(1);
      text += chunk.choices[0]!.delta.content ?? '';
      finishes.push(chunk.choices[0]!.finish_reason);
    }
    expect(text).toBe('Hello! How can I help you today?');
    expect(finishes.at(-1)).toBe('stop');
  });

  it('sends base64 images as bytes and refuses image links with a 400 that says what to send', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-text.json')));
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');
    await client.chat.completions.create({
      model: 'claude',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
          ],
        },
      ],
    });
    // The SDK sends blob members base64-encoded in JSON; Bedrock decodes them back to bytes.
    expect(fake.requests[0]!.json.messages[0].content).toEqual([{ text: 'What is this?' }, { image: { format: 'png', source: { bytes: png } } }]);

    const error = await client.chat.completions
      .create({
        model: 'claude',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } }] }],
      })
      .then(
        () => undefined,
        (e) => e,
      );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.message).toMatch(/base64 data: URL/);
    expect(error.param).toBe('messages[0].content[0].image_url.url');
    expect(fake.requests).toHaveLength(1);
  });

  it('sends PDF and other document files as Converse document blocks, and refuses what Converse cannot read', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-text.json')));
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF').toString('base64');
    const csv = Buffer.from('city,temp\nParis,21\n').toString('base64');
    await client.chat.completions.create({
      model: 'claude',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Summarize these.' },
            { type: 'file', file: { file_data: `data:application/pdf;base64,${pdf}`, filename: 'Q3 report (final).pdf' } },
            { type: 'file', file: { file_data: `data:text/csv;base64,${csv}` } },
            { type: 'file', file: { file_data: 'data:text/markdown,%23 Notes' } },
          ],
        },
      ],
    });
    expect(fake.requests[0]!.json.messages[0].content).toEqual([
      { text: 'Summarize these.' },
      { document: { format: 'pdf', name: 'Q3 report (final)', source: { bytes: pdf } } },
      { document: { format: 'csv', name: 'document 0-2', source: { bytes: csv } } },
      { document: { format: 'md', name: 'document 0-3', source: { bytes: Buffer.from('# Notes').toString('base64') } } },
    ]);

    for (const file of [{ file_id: 'file-abc' }, { file_data: 'data:application/zip;base64,UEsDBA==' }]) {
      const error = await client.chat.completions
        .create({
          model: 'claude',
          messages: [{ role: 'user', content: [{ type: 'file', file: file as OpenAI.ChatCompletionContentPart.File['file'] }] }],
        })
        .then(
          () => undefined,
          (e) => e,
        );
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    }
    expect(fake.requests).toHaveLength(1);
  });

  it('maps Bedrock exceptions to OpenAI errors with the right status and code, masking the secret key', async () => {
    const cases: Array<[number, string, string, number, string]> = [
      [429, 'ThrottlingException', 'Too many requests, please wait before trying again.', 429, '429'],
      [400, 'ValidationException', 'Input is too long for requested model.', 400, 'context_length_exceeded'],
      [400, 'ValidationException', 'messages.0.content: blank text field', 400, '400'],
      [403, 'AccessDeniedException', `You don't have access to the model with the specified model ID. ${SECRET}`, 401, '401'],
      [404, 'ResourceNotFoundException', 'Model not found.', 404, '404'],
      [503, 'ServiceUnavailableException', 'Service temporarily unavailable.', 503, '503'],
      [500, 'InternalServerException', 'Internal failure.', 502, '502'],
      [408, 'ModelTimeoutException', 'Model timed out.', 408, '408'],
    ];
    for (const [status, exception, message, expected, code] of cases) {
      fake.respond((_r, res) => sendBedrockError(res, status, exception, message));
      const error = await client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'x' }] }).then(
        () => undefined,
        (e) => e,
      );
      expect(error, exception).toBeInstanceOf(OpenAI.APIError);
      expect(error.status, exception).toBe(expected);
      expect(error.code, exception).toBe(code);
      expect(error.message, exception).toContain(exception);
      expect(error.message).not.toContain(SECRET);
    }
    expect(gateway.log.text()).not.toContain(SECRET);
  });

  it('sends a mid-stream throttling exception in-band after the first chunks', async () => {
    fake.respond((_r, res) => sendEventStream(res, fixture('stream-throttling.json')));
    const stream = await client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'Story' }], stream: true });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().then(
      () => undefined,
      (e) => e,
    );
    expect(text).toBe('Once upon');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.message).toMatch(/ThrottlingException: Too many tokens/);
  });
});

describe('bedrock embeddings through the openai client', () => {
  it('embeds with Titan, one call per input, as floats', async () => {
    fake.respond((request, res) => sendBedrockJson(res, { embedding: [request.json.inputText.length, 0.25], inputTextTokenCount: 3 }));
    const response = await client.embeddings.create({ model: 'titan-embed', input: ['hello', 'hi'], encoding_format: 'float', dimensions: 256 });
    expect(fake.requests.map((r) => r.json)).toEqual(
      expect.arrayContaining([
        { inputText: 'hello', dimensions: 256 },
        { inputText: 'hi', dimensions: 256 },
      ]),
    );
    expect(response.model).toBe('titan-embed');
    expect(response.data.map((d) => d.embedding)).toEqual([
      [5, 0.25],
      [2, 0.25],
    ]);
    expect(response.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 });
  });

  it('embeds with Cohere as base64, which the client decodes', async () => {
    fake.respond((_r, res) => {
      res.setHeader('x-amzn-bedrock-input-token-count', '4');
      sendBedrockJson(res, fixture('cohere-embed-v3.json'));
    });
    // The openai client asks for base64 when no encoding_format is given, and decodes it to numbers.
    const response = await client.embeddings.create({ model: 'cohere-embed', input: ['hello world', 'goodbye world'] });
    expect(fake.requests[0]!.json).toEqual({ texts: ['hello world', 'goodbye world'], input_type: 'search_document' });
    const expected: number[][] = fixture('cohere-embed-v3.json').embeddings;
    for (const [i, d] of response.data.entries()) for (const [j, value] of d.embedding.entries()) expect(value).toBeCloseTo(expected[i]![j]!, 6);
    expect(response.usage.prompt_tokens).toBe(4);
  });
});

describe('bedrock through /v1/messages with the anthropic client', () => {
  const tool: Anthropic.Tool = {
    name: 'top_song',
    description: 'The most popular song on a radio station.',
    input_schema: { type: 'object', properties: { sign: { type: 'string' } }, required: ['sign'] },
  };

  it('answers a tool call as an Anthropic message', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-tool-use.json')));
    const message = await anthropic.messages.create({ model: 'claude', max_tokens: 300, system: 'Be brief.', messages: [{ role: 'user', content: 'Top song on WZPZ?' }], tools: [tool] });
    expect(fake.requests[0]!.json).toMatchObject({ system: [{ text: 'Be brief.' }], inferenceConfig: { maxTokens: 300 }, toolConfig: { tools: [{ toolSpec: { name: 'top_song' } }] } });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content.find((b) => b.type === 'tool_use')).toMatchObject({ type: 'tool_use', id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'top_song', input: { sign: 'WZPZ' } });
    expect(message.usage).toMatchObject({ input_tokens: 375, output_tokens: 72 });
  });

  it('sends a PDF document block on as a Converse document', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-text.json')));
    const pdf = Buffer.from('%PDF-1.4\n%%EOF').toString('base64');
    await anthropic.messages.create({
      model: 'claude',
      max_tokens: 100,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdf }, title: 'contract.pdf' },
            { type: 'text', text: 'Key dates?' },
          ],
        },
      ],
    });
    expect(fake.requests[0]!.json.messages[0].content).toEqual([{ document: { format: 'pdf', name: 'contract', source: { bytes: pdf } } }, { text: 'Key dates?' }]);
  });

  it('streams text as Anthropic events', async () => {
    fake.respond((_r, res) => sendEventStream(res, fixture('stream-text.json')));
    const stream = anthropic.messages.stream({ model: 'claude', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
    const message = await stream.finalMessage();
    expect(fake.requests[0]!.operation).toBe('converse-stream');
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hello! How can I help you today?' })]);
    expect(message.stop_reason).toBe('end_turn');
  });
});
