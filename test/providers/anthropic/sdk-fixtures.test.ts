// The fixtures are real wire format: the official @anthropic-ai/sdk client, pointed at the fake
// upstream that replays them, parses every one (streams included) without complaint.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, sendSse, startRecordingServer, type RecordingServer } from '../../helpers/recording-server.ts';
import { fixtureJson, sseFrames } from './support.ts';

let upstream: RecordingServer;
let client: Anthropic;
const params = { model: 'claude-sonnet-4-6', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'Hello' }] };

beforeAll(async () => {
  upstream = await startRecordingServer();
  client = new Anthropic({ baseURL: upstream.url, apiKey: 'sk-ant-test', maxRetries: 0 });
});
afterAll(() => upstream.close());

describe('fixtures read by the official Anthropic SDK', () => {
  it.each(['message-text.json', 'message-tool-use.json', 'message-thinking.json', 'message-json-tool.json'])('parses %s', async (name) => {
    upstream.respond((_r, res) => sendJson(res, 200, fixtureJson(name)));
    const message = await client.messages.create(params);
    expect(message).toEqual(fixtureJson(name));
    expect(upstream.requests.at(-1)!.url).toBe('/v1/messages');
  });

  it('accumulates the text stream, ping included, with message_delta usage', async () => {
    upstream.respond((_r, res) => sendSse(res, sseFrames('stream-text.sse')));
    const message = await client.messages.stream(params).finalMessage();
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hello! How can I help?' })]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 25, cache_creation_input_tokens: 1024, cache_read_input_tokens: 2048, output_tokens: 15 });
  });

  it('accumulates tool input split over several input_json_delta events into objects', async () => {
    upstream.respond((_r, res) => sendSse(res, sseFrames('stream-tool-use.sse')));
    const message = await client.messages.stream(params).finalMessage();
    expect(message.content.map((b) => b.type)).toEqual(['text', 'tool_use', 'tool_use']);
    expect(message.content[1]).toMatchObject({ id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', input: { location: 'San Francisco, CA', unit: 'fahrenheit' } });
    expect(message.content[2]).toMatchObject({ name: 'get_time', input: { timezone: 'America/Los_Angeles' } });
    expect(message.stop_reason).toBe('tool_use');
  });

  it('accumulates thinking and its signature', async () => {
    upstream.respond((_r, res) => sendSse(res, sseFrames('stream-thinking.sse')));
    const message = await client.messages.stream(params).finalMessage();
    expect(message.content[0]).toMatchObject({ type: 'thinking', signature: expect.stringMatching(/^EqQBCgIYAhIM/) });
    expect((message.content[0] as Anthropic.ThinkingBlock).thinking).toContain('So the GCD is 21.');
    expect(message.content[1]).toMatchObject({ type: 'text', text: 'The greatest common divisor of 1071 and 462 is **21**.' });
  });

  it('raises the mid-stream error event as an overloaded error', async () => {
    upstream.respond((_r, res) => sendSse(res, sseFrames('stream-error.sse')));
    const error = await client.messages
      .stream(params)
      .finalMessage()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(String((error as Error).message)).toContain('overloaded_error');
  });

  it.each([
    ['error-overloaded.json', 529, Anthropic.InternalServerError],
    ['error-rate-limit.json', 429, Anthropic.RateLimitError],
    ['error-prompt-too-long.json', 400, Anthropic.BadRequestError],
    ['error-authentication.json', 401, Anthropic.AuthenticationError],
  ] as const)('reads %s as an API error', async (name, status, type) => {
    upstream.respond((_r, res) => sendJson(res, status, fixtureJson(name)));
    const error = await client.messages.create(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toEqual(fixtureJson(name));
  });
});
