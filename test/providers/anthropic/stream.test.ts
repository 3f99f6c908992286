// Anthropic SSE events → OpenAI chunks, from the raw stream fixtures cut into odd-sized pieces.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../shared/core/errors.ts';
import { toChunks } from '../../../shared/providers/anthropic/stream.ts';
import type { ChatCompletionChunk } from '../../../shared/openai/types.ts';
import { API_KEY, collect, failure, fixtureEvents } from './support.ts';
import { sseEvents } from '../../../shared/http/sse-events.ts';

const chunksOf = (name: string, jsonTool = false) => collect(toChunks(fixtureEvents(name), { jsonTool, apiKey: API_KEY }));
const deltas = (chunks: ChatCompletionChunk[]) => chunks.filter((c) => c.choices.length).map((c) => c.choices[0]!.delta);
const eventsOf = (text: string) =>
  sseEvents(
    (async function* () {
      yield text;
    })(),
  );

describe('toChunks', () => {
  it('streams text: role first, content deltas, finish chunk, then a usage-only chunk', async () => {
    const chunks = await chunksOf('stream-text.sse');
    expect(chunks.every((c) => c.id === 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY' && c.object === 'chat.completion.chunk' && c.model === 'claude-sonnet-4-5-20250929')).toBe(true);
    expect(new Set(chunks.map((c) => c.created)).size).toBe(1);
    expect(deltas(chunks)).toEqual([{ role: 'assistant', content: '' }, { content: 'Hello' }, { content: '!' }, { content: ' How can I help?' }, {}]);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 25 + 1024 + 2048,
        completion_tokens: 15,
        total_tokens: 25 + 1024 + 2048 + 15,
        prompt_tokens_details: { cached_tokens: 2048 },
        cache_creation_input_tokens: 1024,
        cache_read_input_tokens: 2048,
      },
    });
  });

  it('numbers tool calls 0..k, with id and name first and argument fragments after', async () => {
    const chunks = await chunksOf('stream-tool-use.sse');
    const toolDeltas = deltas(chunks).flatMap((d) => d.tool_calls ?? []);
    expect(toolDeltas[0]).toEqual({ index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(
      toolDeltas
        .filter((t) => t.index === 0)
        .slice(1)
        .every((t) => t.id === undefined && t.function?.name === undefined),
    ).toBe(true);
    const args = (index: number) =>
      toolDeltas
        .filter((t) => t.index === index)
        .map((t) => t.function?.arguments ?? '')
        .join('');
    expect(JSON.parse(args(0))).toEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' });
    expect(toolDeltas.filter((t) => t.index === 0).length).toBeGreaterThan(5); // fragments pass through as they come
    expect(toolDeltas.find((t) => t.index === 1)).toMatchObject({ id: 'toolu_01KmZ3u8wq4AqZc1Nd8YpR2b', function: { name: 'get_time' } });
    expect(JSON.parse(args(1))).toEqual({ timezone: 'America/Los_Angeles' });
    expect(
      deltas(chunks)
        .map((d) => d.content ?? '')
        .join(''),
    ).toBe("Okay, let's check the weather for San Francisco, CA:");
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 472, completion_tokens: 89 });
  });

  it('streams thinking as reasoning_content, then the whole signed block as thinking_blocks', async () => {
    const chunks = await chunksOf('stream-thinking.sse');
    const reasoning = deltas(chunks)
      .map((d) => d.reasoning_content ?? '')
      .join('');
    expect(reasoning).toContain('1071 = 2 × 462 + 147');
    expect(reasoning).toMatch(/So the GCD is 21\.$/);
    const blocks = deltas(chunks).flatMap((d) => d.thinking_blocks ?? []);
    expect(blocks).toEqual([{ type: 'thinking', thinking: reasoning, signature: expect.stringMatching(/^EqQBCgIYAhIM1gbcDa9GJwZA2b3h.*Ys$/) }]);
    expect(
      deltas(chunks)
        .map((d) => d.content ?? '')
        .join(''),
    ).toBe('The greatest common divisor of 1071 and 462 is **21**.');
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
  });

  it('throws an error event as a GatewayError of the matching kind, after the chunks before it', async () => {
    const seen: ChatCompletionChunk[] = [];
    const error = await failure(
      (async () => {
        for await (const chunk of toChunks(fixtureEvents('stream-error.sse'), { jsonTool: false })) seen.push(chunk);
      })(),
    );
    expect(deltas(seen)).toEqual([{ role: 'assistant', content: '' }, { content: 'Once upon' }]);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.kind).toBe('upstream_unavailable');
    expect(error.message).toBe('anthropic error (529): Overloaded');
  });

  it.each([
    ['rate_limit_error', 'rate_limited'],
    ['api_error', 'upstream_error'],
    ['invalid_request_error', 'invalid_request'],
    ['authentication_error', 'upstream_auth'],
  ])('maps a %s event to %s', async (type, kind) => {
    const error = await failure(collect(toChunks(eventsOf(`event: error\ndata: {"type":"error","error":{"type":"${type}","message":"nope"}}\n\n`), { jsonTool: false })));
    expect(error.kind).toBe(kind);
  });

  it('streams the json_tool_call input as content and finishes with stop', async () => {
    const sse = `${[
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_j","type":"message","role":"assistant","model":"claude-3-5-haiku-20241022","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":9,"output_tokens":1}}}',
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_j","name":"json_tool_call","input":{}}}',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"name\\": "}}',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\\"Jo\\"}"}}',
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}',
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":7}}',
      'event: message_stop\ndata: {"type":"message_stop"}',
    ].join('\n\n')}\n\n`;
    const chunks = await collect(toChunks(eventsOf(sse), { jsonTool: true }));
    expect(deltas(chunks).some((d) => d.tool_calls)).toBe(false);
    expect(
      JSON.parse(
        deltas(chunks)
          .map((d) => d.content ?? '')
          .join(''),
      ),
    ).toEqual({ name: 'Jo' });
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
  });

  const preambleThenJson = (tool: string) =>
    `${[
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_p","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":9,"output_tokens":1}}}',
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"I\'ll check "}}',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"the weather for you."}}',
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}',
      `event: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_p","name":"${tool}","input":{}}}`,
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\":\\"Paris\\"}"}}',
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":1}',
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":20}}',
      'event: message_stop\ndata: {"type":"message_stop"}',
    ].join('\n\n')}\n\n`;

  it('drops the text written before the json_tool_call, as the non-streamed answer does', async () => {
    const chunks = await collect(toChunks(eventsOf(preambleThenJson('json_tool_call')), { jsonTool: true }));
    expect(
      deltas(chunks)
        .map((d) => d.content ?? '')
        .join(''),
    ).toBe('{"city":"Paris"}');
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
  });

  it('sends held text at the end when the answer never calls the JSON tool, and streams text at once without one', async () => {
    const text =
      'event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","model":"c","content":[],"stop_reason":null,"usage":{"input_tokens":1,"output_tokens":1}}}\n\n' +
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"{\\"a\\":1}"}}\n\n' +
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3}}\n\n' +
      'event: message_stop\ndata: {"type":"message_stop"}\n\n';
    const held = await collect(toChunks(eventsOf(text), { jsonTool: true }));
    expect(
      deltas(held)
        .map((d) => d.content ?? '')
        .join(''),
    ).toBe('{"a":1}');
    expect(held.at(-3)!.choices[0]!.delta.content).toBe('{"a":1}');
    const plain = await collect(toChunks(eventsOf(preambleThenJson('get_weather')), { jsonTool: false }));
    expect(plain[1]!.choices[0]!.delta.content).toBe("I'll check ");
  });

  it('fails a stream that ends before message_stop', async () => {
    const cut =
      'event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","model":"c","content":[],"stop_reason":null,"usage":{"input_tokens":1,"output_tokens":1}}}\n\n';
    const error = await failure(collect(toChunks(eventsOf(cut), { jsonTool: false })));
    expect(error.kind).toBe('upstream_error');
  });
});
