// Anthropic → OpenAI → Anthropic: Anthropic's own answers (fixtures from its API reference), turned
// into OpenAI's shape by the anthropic provider and back by shared/anthropic-format, must read the
// same to the official @anthropic-ai/sdk client as the originals do. Thinking, signatures, text and
// tool calls all survive, streamed and not.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toAnthropicEvents } from '../../shared/anthropic-format/stream-events.ts';
import type { MessagesRequest } from '../../shared/anthropic-format/request-schema.ts';
import { toChatRequest } from '../../shared/anthropic-format/to-chat-request.ts';
import { toAnthropicMessage } from '../../shared/anthropic-format/to-message.ts';
import { toAnthropicRequest } from '../../shared/providers/anthropic/request.ts';
import { sseEvent } from '../../shared/core/sse.ts';
import { toChatCompletion } from '../../shared/providers/anthropic/response.ts';
import { toChunks } from '../../shared/providers/anthropic/stream.ts';
import { sendJson, sendSse, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { fixtureEvents, fixtureJson, sseFrames } from '../providers/anthropic/support.ts';

let upstream: RecordingServer;
let client: Anthropic;
const params = { model: 'claude', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'Hello' }] };

beforeAll(async () => {
  upstream = await startRecordingServer();
  client = new Anthropic({ baseURL: upstream.url, apiKey: 'sk-ant-test', maxRetries: 0 });
});
afterAll(() => upstream.close());

async function translatedFrames(name: string): Promise<string[]> {
  const frames: string[] = [];
  for await (const event of toAnthropicEvents(toChunks(fixtureEvents(name), { jsonTool: false }), 'claude')) frames.push(sseEvent(event.type, JSON.stringify(event)));
  return frames;
}

/** What the SDK makes of a stream, without the fields a translation cannot keep (ids of the message, cache split). */
async function streamed(frames: string[]): Promise<Pick<Anthropic.Message, 'content' | 'stop_reason'> & { output: number }> {
  upstream.respond((_r, res) => sendSse(res, frames));
  const message = await client.messages.stream(params).finalMessage();
  return { content: message.content, stop_reason: message.stop_reason, output: message.usage.output_tokens };
}

describe('streams read the same after the round trip', () => {
  it.each(['stream-text.sse', 'stream-tool-use.sse', 'stream-thinking.sse'])('%s', async (name) => {
    const original = await streamed(sseFrames(name));
    const translated = await streamed(await translatedFrames(name));
    expect(translated).toEqual(original);
  });
});

describe('whole messages read the same after the round trip', () => {
  it.each(['message-text.json', 'message-tool-use.json', 'message-thinking.json'])('%s', async (name) => {
    const original = fixtureJson<Anthropic.Message>(name);
    const translated = toAnthropicMessage(toChatCompletion(original as never, { jsonTool: false }), 'claude');
    upstream.respond((_r, res) => sendJson(res, 200, translated));
    const read = await client.messages.create(params);
    expect(read.content).toEqual(original.content);
    expect(read.stop_reason).toBe(original.stop_reason);
    expect(read.usage).toMatchObject({ input_tokens: original.usage.input_tokens, output_tokens: original.usage.output_tokens });
  });
});

describe('requests keep their meaning through OpenAI shape', () => {
  it('a multi-turn request with thinking, tools and images comes back to the same Anthropic body', () => {
    const weather = { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };
    const request = {
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: 'Be brief.',
      temperature: 1,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      tools: [weather],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is here?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Look it up.', signature: 'sig-1' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'Sunny' }] },
      ],
    };
    const chat = toChatRequest(request as MessagesRequest);
    expect(chat.reasoning_effort).toBe('medium');
    const back = toAnthropicRequest(chat).body;
    expect(back).toMatchObject({
      model: 'claude-sonnet-4-5',
      system: [{ type: 'text', text: 'Be brief.' }],
      temperature: 1,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      tools: [weather],
      tool_choice: { type: 'tool', name: 'get_weather' },
    });
    expect(back.messages).toEqual(request.messages.map((m) => ({ role: m.role, content: m.content })));
  });
});
