// The fake Bedrock Runtime, checked against the official @aws-sdk/client-bedrock-runtime client with
// its default (HTTP/2) request handler: if the fake spoke a shape or framing the real service does
// not, the SDK would fail to parse it here.
import { readFileSync } from 'node:fs';
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand, InvokeModelCommand, ThrottlingException, ValidationException, type ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendBedrockError, sendBedrockJson, sendEventStream, sigV4Scope, startFakeBedrock, type FakeBedrock, type StreamFrame } from '../../helpers/fake-bedrock.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/bedrock/${name}`, import.meta.url), 'utf8'));
const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

let fake: FakeBedrock;
let client: BedrockRuntimeClient;

beforeAll(async () => {
  fake = await startFakeBedrock();
  client = new BedrockRuntimeClient({
    region: 'eu-west-3',
    endpoint: fake.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake-secret' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await fake.close();
});
beforeEach(() => void (fake.requests.length = 0));

describe('fake Bedrock Runtime read by the official SDK', () => {
  it('answers Converse with a tool-use message, signed with SigV4 for bedrock in the client region', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-tool-use.json')));
    const out = await client.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'Top song on WZPZ?' }] }] }));
    expect(out.stopReason).toBe('tool_use');
    expect(out.output?.message?.content?.[1]?.toolUse).toEqual({ toolUseId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'top_song', input: { sign: 'WZPZ' } });
    expect(out.usage).toMatchObject({ inputTokens: 375, outputTokens: 72, totalTokens: 447 });
    const sent = fake.requests[0]!;
    expect(sent.operation).toBe('converse');
    expect(sent.modelId).toBe(MODEL);
    expect(sent.path).toContain('%3A0');
    expect(sigV4Scope(sent.headers['authorization'])).toEqual({ region: 'eu-west-3', service: 'bedrock' });
  });

  it('answers Converse with reasoning content and cache usage', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-reasoning.json')));
    const reasoning = await client.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: '17*23' }] }] }));
    expect(reasoning.output?.message?.content?.[0]?.reasoningContent?.reasoningText?.signature).toMatch(/^Eq/);
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-text.json')));
    const text = await client.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }));
    expect(text.usage?.cacheReadInputTokens).toBe(100);
  });

  it('streams every fixture as event-stream frames the SDK decodes one by one', async () => {
    for (const name of ['stream-text.json', 'stream-tool-use.json', 'stream-reasoning.json']) {
      const frames = fixture(name) as StreamFrame[];
      fake.respond((_r, res) => sendEventStream(res, frames));
      const out = await client.send(new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }));
      const events: ConverseStreamOutput[] = [];
      for await (const event of out.stream!) events.push(event);
      expect(
        events.map((e) => Object.keys(e).find((k) => k !== '$unknown')),
        name,
      ).toEqual(frames.map((f) => ('event' in f ? f.event : f.exception)));
      expect(events.at(-1)?.metadata?.usage?.totalTokens, name).toBeGreaterThan(0);
    }
    expect(fake.requests.every((r) => r.operation === 'converse-stream')).toBe(true);
  });

  it('raises a mid-stream throttlingException as ThrottlingException after the first events', async () => {
    fake.respond((_r, res) => sendEventStream(res, fixture('stream-throttling.json')));
    const out = await client.send(new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'Story' }] }] }));
    const seen: ConverseStreamOutput[] = [];
    const error = await (async () => {
      for await (const event of out.stream!) seen.push(event);
    })().then(
      () => undefined,
      (e) => e,
    );
    expect(seen.map((e) => Object.keys(e)[0])).toEqual(['messageStart', 'contentBlockDelta']);
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error.message).toBe('Too many tokens, please wait before trying again.');
  });

  it('answers errors with the exception named in x-amzn-errortype', async () => {
    fake.respond((_r, res) => sendBedrockError(res, 400, 'ValidationException', 'Input is too long for requested model.'));
    const error = await client.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'x' }] }] })).then(
      () => undefined,
      (e) => e,
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('answers InvokeModel with Titan and Cohere embedding bodies', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('titan-embed-text-v2.json')));
    const titan = await client.send(
      new InvokeModelCommand({ modelId: 'amazon.titan-embed-text-v2:0', contentType: 'application/json', accept: 'application/json', body: JSON.stringify({ inputText: 'hello world' }) }),
    );
    expect(JSON.parse(Buffer.from(titan.body).toString('utf8'))).toMatchObject({ inputTextTokenCount: 7 });
    expect(fake.requests[0]).toMatchObject({ operation: 'invoke', modelId: 'amazon.titan-embed-text-v2:0', json: { inputText: 'hello world' } });

    fake.respond((_r, res) => sendBedrockJson(res, fixture('cohere-embed-v3.json')));
    const cohere = await client.send(new InvokeModelCommand({ modelId: 'cohere.embed-english-v3', body: JSON.stringify({ texts: ['hello world', 'goodbye world'], input_type: 'search_document' }) }));
    expect(JSON.parse(Buffer.from(cohere.body).toString('utf8')).embeddings).toHaveLength(2);
  });
});
