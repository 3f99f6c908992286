// bedrockProvider.chat driven directly against the fake Bedrock Runtime: the Converse input on the
// wire, answers and streams translated, thinking and JSON mode, timeouts, abort, and the client cache.
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../shared/config/yaml.ts';
import type { Deployment } from '../../../shared/config/types.ts';
import type { GatewayError } from '../../../shared/core/errors.ts';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../../../shared/openai/types.ts';
import { bedrockClient, bedrockTarget } from '../../../shared/providers/bedrock/client.ts';
import { bedrockProvider } from '../../../shared/providers/bedrock/provider.ts';
import { defaultProviders } from '../../../shared/providers/registry.ts';
import type { ChatResult } from '../../../shared/providers/types.ts';
import { sendBedrockJson, sendEventStream, sigV4Scope, startFakeBedrock, type FakeBedrock, type StreamFrame } from '../../helpers/fake-bedrock.ts';
import { sleep } from '../../helpers/recording-server.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/bedrock/${name}`, import.meta.url), 'utf8'));
const CLAUDE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

let fake: FakeBedrock;
beforeAll(async () => {
  fake = await startFakeBedrock();
});
afterAll(() => fake.close());
beforeEach(() => void (fake.requests.length = 0));

function deployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 'bedrock-test',
    modelName: 'claude',
    provider: 'bedrock',
    upstreamModel: CLAUDE,
    apiBase: fake.url,
    timeoutMs: 5_000,
    maxResponseBytes: 1024 * 1024,
    extraHeaders: {},
    params: {},
    modelInfo: {},
    ...overrides,
  };
}
const chat = (overrides: Partial<ChatCompletionRequest> = {}, extra: Partial<Deployment> = {}, signal = new AbortController().signal) =>
  bedrockProvider.chat({ request: { model: CLAUDE, messages: [{ role: 'user', content: 'Hello' }], ...overrides }, deployment: deployment(extra), signal });
const chunksOf = (result: ChatResult) => {
  if (!result.stream) throw new Error('expected a stream');
  return result.chunks;
};
async function collect(chunks: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const out: ChatCompletionChunk[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e) => e as GatewayError,
  );

describe('provider definition', () => {
  it('is registered as bedrock, needs no api_key, and declares the AWS litellm_params', () => {
    expect(defaultProviders().get('bedrock')).toBe(bedrockProvider);
    expect(bedrockProvider).toMatchObject({ name: 'bedrock', requiresApiKey: false, requiresApiBase: false });
    expect(bedrockProvider.extraParams).toEqual(expect.arrayContaining(['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_region_name']));
    expect(bedrockProvider.unsupportedParams.has('logit_bias')).toBe(true);
    expect(bedrockProvider.unsupportedParams.has('tools')).toBe(false);
  });

  it('loads a LiteLLM bedrock entry with aws_* params and no api_key, without warnings', () => {
    const providers = defaultProviders();
    const config = loadConfig(
      `
model_list:
  - model_name: claude
    litellm_params:
      model: bedrock/${CLAUDE}
      aws_access_key_id: os.environ/KEY_ID
      aws_secret_access_key: os.environ/SECRET
      aws_session_token: os.environ/TOKEN
      aws_region_name: ap-northeast-1
`,
      'test.yaml',
      (name) => ({ KEY_ID: 'AKIA2', SECRET: 'secret-2', TOKEN: 'token-2' })[name],
      (prefix) => providers.get(prefix),
    );
    expect(config.warnings).toEqual([]);
    expect(config.deployments[0]).toMatchObject({ provider: 'bedrock', upstreamModel: CLAUDE });
    expect(bedrockTarget(config.deployments[0]!)).toEqual({
      region: 'ap-northeast-1',
      endpoint: undefined,
      credentials: { accessKeyId: 'AKIA2', secretAccessKey: 'secret-2', sessionToken: 'token-2' },
    });
  });

  it('shares one SDK client per region, endpoint and credentials', async () => {
    const keys = { aws_access_key_id: 'AKIA1', aws_secret_access_key: 'secret-1' };
    const a = await bedrockClient(bedrockTarget(deployment({ params: { ...keys, aws_region_name: 'eu-west-1' } })));
    expect(await bedrockClient(bedrockTarget(deployment({ id: 'other', params: { ...keys, aws_region_name: 'eu-west-1' } })))).toBe(a);
    expect(await bedrockClient(bedrockTarget(deployment({ params: { ...keys, aws_region_name: 'eu-west-2' } })))).not.toBe(a);
    expect(await bedrockClient(bedrockTarget(deployment({ params: { ...keys, aws_secret_access_key: 'secret-2', aws_region_name: 'eu-west-1' } })))).not.toBe(a);
  });

  it('uses the default credential chain and AWS_REGION when litellm_params name none', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-text.json')));
    await chat();
    const authorization = String(fake.requests[0]!.headers['authorization']);
    expect(sigV4Scope(authorization)).toEqual({ region: process.env['AWS_REGION'], service: 'bedrock' });
    expect(authorization).toContain(`Credential=${process.env['AWS_ACCESS_KEY_ID']}/`);
  });
});

describe('request translation', () => {
  it('maps stop, top_p, cache_control and unknown model fields, and strips the converse/ route prefix', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-text.json')));
    await chat({
      model: `converse/${CLAUDE}`,
      messages: [
        { role: 'system', content: 'Long policy...', cache_control: { type: 'ephemeral' } },
        { role: 'user', content: 'Hi' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'again' },
            { type: 'text', text: '  ' },
          ],
        },
      ],
      stop: ['\n\nHuman:', ''],
      top_p: 0.9,
      top_k: 40,
      user: 'u-1',
      guardrailConfig: { guardrailIdentifier: 'gr-1', guardrailVersion: '1' },
    });
    const sent = fake.requests[0]!;
    expect(sent.modelId).toBe(CLAUDE);
    expect(sent.json).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Hi' }, { text: 'again' }] }],
      system: [{ text: 'Long policy...' }, { cachePoint: { type: 'default' } }],
      inferenceConfig: { topP: 0.9, stopSequences: ['\n\nHuman:'] },
      additionalModelRequestFields: { top_k: 40 },
      guardrailConfig: { guardrailIdentifier: 'gr-1', guardrailVersion: '1' },
    });
  });

  it('sends inference profile ARNs as the model id', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-text.json')));
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6';
    await chat({ model: arn });
    expect(fake.requests[0]!.modelId).toBe(arn);
    expect(fake.requests[0]!.path).toContain('%2Fa1b2c3d4e5f6');
  });

  it('maps tool_choice required, a named tool and none', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-text.json')));
    const tools = [{ type: 'function' as const, function: { name: 'top_song', parameters: { type: 'object', properties: {} } } }];
    await chat({ tools, tool_choice: 'required' });
    await chat({ tools, tool_choice: { type: 'function', function: { name: 'top_song' } } });
    await chat({ tools, tool_choice: 'none' });
    expect(fake.requests.map((r) => r.json.toolConfig?.toolChoice)).toEqual([{ any: {} }, { tool: { name: 'top_song' } }, undefined]);
    expect(fake.requests[2]!.json.toolConfig).toBeUndefined();
  });

  it('maps reasoning_effort to a thinking budget for Claude, with room for the answer', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-reasoning.json')));
    const result = await chat({ reasoning_effort: 'low', max_tokens: 500 });
    expect(fake.requests[0]!.json.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 1024 } });
    expect(fake.requests[0]!.json.inferenceConfig).toEqual({ maxTokens: 1524 });
    if (result.stream) throw new Error('expected a completion');
    const message = result.completion.choices[0]!.message;
    expect(message.content).toBe('17 × 23 = 391.');
    expect(message.reasoning_content).toMatch(/340 \+ 51 = 391/);
    expect(message.thinking_blocks).toEqual([{ type: 'thinking', thinking: message.reasoning_content, signature: 'EqoBCkgIARABGAIiQJ6K0a9zZ2FrZS1zaWduYXR1cmU' }]);
  });

  it('uses adaptive thinking with an effort on Claude 4.6, and no thinking on other models', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-text.json')));
    await chat({ model: 'global.anthropic.claude-opus-4-6-v1', reasoning_effort: 'high' });
    expect(fake.requests[0]!.json.additionalModelRequestFields).toEqual({ thinking: { type: 'adaptive' }, output_config: { effort: 'high' } });
    await chat({ model: 'amazon.nova-pro-v1:0', reasoning_effort: 'high' });
    expect(fake.requests[1]!.json.additionalModelRequestFields).toBeUndefined();
  });

  it('serves response_format json_schema with a forced json_tool_call tool whose input is the answer', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    fake.respond((_r, res) =>
      sendBedrockJson(res, {
        output: { message: { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_json', name: 'json_tool_call', input: { city: 'Paris' } } }] } },
        stopReason: 'tool_use',
        usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
        metrics: { latencyMs: 1 },
      }),
    );
    const result = await chat({ response_format: { type: 'json_schema', json_schema: { name: 'place', schema } } });
    expect(fake.requests[0]!.json.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'json_tool_call', description: expect.any(String), inputSchema: { json: schema } } }],
      toolChoice: { tool: { name: 'json_tool_call' } },
    });
    if (result.stream) throw new Error('expected a completion');
    expect(result.completion.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: '{"city":"Paris"}' } });
    expect(result.completion.choices[0]!.message.tool_calls).toBeUndefined();

    const frames: StreamFrame[] = [
      { event: 'messageStart', payload: { role: 'assistant' } },
      { event: 'contentBlockStart', payload: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 'tooluse_json', name: 'json_tool_call' } } } },
      { event: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { toolUse: { input: '{"city":' } } } },
      { event: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { toolUse: { input: ' "Paris"}' } } } },
      { event: 'contentBlockStop', payload: { contentBlockIndex: 0 } },
      { event: 'messageStop', payload: { stopReason: 'tool_use' } },
    ];
    fake.respond((_r, res) => sendEventStream(res, frames));
    const chunks = await collect(chunksOf(await chat({ stream: true, response_format: { type: 'json_object' } })));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('{"city": "Paris"}');
    expect(chunks.some((c) => c.choices[0]?.delta.tool_calls)).toBe(false);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 0, completion_tokens: 0 } });
  });

  it('drops the text streamed before the JSON tool call, as the non-streamed answer does', async () => {
    fake.respond((_r, res) =>
      sendEventStream(res, [
        { event: 'messageStart', payload: { role: 'assistant' } },
        { event: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text: "I'll check " } } },
        { event: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text: 'the weather for you.' } } },
        { event: 'contentBlockStop', payload: { contentBlockIndex: 0 } },
        { event: 'contentBlockStart', payload: { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tooluse_json', name: 'json_tool_call' } } } },
        { event: 'contentBlockDelta', payload: { contentBlockIndex: 1, delta: { toolUse: { input: '{"city":"Paris"}' } } } },
        { event: 'contentBlockStop', payload: { contentBlockIndex: 1 } },
        { event: 'messageStop', payload: { stopReason: 'tool_use' } },
      ]),
    );
    const chunks = await collect(chunksOf(await chat({ stream: true, response_format: { type: 'json_object' } })));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('{"city":"Paris"}');
  });

  it('offers the JSON tool without forcing it to models Converse cannot force (Llama)', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-text.json')));
    await chat({ model: 'meta.llama3-1-70b-instruct-v1:0', response_format: { type: 'json_object' } });
    expect(fake.requests[0]!.json.toolConfig).toEqual({ tools: [{ toolSpec: expect.objectContaining({ name: 'json_tool_call' }) }] });
  });

  it('sends earlier reasoning back as reasoningContent before the tool call', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-text.json')));
    await chat({
      messages: [
        { role: 'user', content: 'Top song?' },
        {
          role: 'assistant',
          content: '',
          thinking_blocks: [{ type: 'thinking', thinking: 'Use the tool.', signature: 'sig-1' }],
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'top_song', arguments: '' } }],
        },
        { role: 'tool', tool_call_id: 't1', content: '' },
      ],
      tools: [{ type: 'function', function: { name: 'top_song' } }],
    });
    expect(fake.requests[0]!.json.messages.slice(1)).toEqual([
      { role: 'assistant', content: [{ reasoningContent: { reasoningText: { text: 'Use the tool.', signature: 'sig-1' } } }, { toolUse: { toolUseId: 't1', name: 'top_song', input: {} } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ text: '(no output)' }] } }] },
    ]);
  });

  it('refuses parts Converse cannot take before calling Bedrock', async () => {
    const error = await failure(chat({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }] }));
    expect(error).toMatchObject({ kind: 'invalid_request', param: 'messages[0].content[0].type' });
    const bmp = await failure(chat({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,Qk0=' } }] }] }));
    expect(bmp.message).toMatch(/png, jpeg, gif and webp/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('answers', () => {
  it('maps stop reasons: guardrails to content_filter, max_tokens to length', async () => {
    for (const [stopReason, finish] of [
      ['guardrail_intervened', 'content_filter'],
      ['content_filtered', 'content_filter'],
      ['max_tokens', 'length'],
      ['stop_sequence', 'stop'],
    ]) {
      fake.respond((_r, res) => sendBedrockJson(res, { ...fixture('converse-text.json'), stopReason }));
      const result = await chat();
      if (result.stream) throw new Error('expected a completion');
      expect(result.completion.choices[0]!.finish_reason, stopReason).toBe(finish);
    }
  });

  it('reports cache reads and writes as prompt tokens, as LiteLLM does', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-text.json')));
    const result = await chat();
    if (result.stream) throw new Error('expected a completion');
    expect(result.completion.usage).toMatchObject({ prompt_tokens: 225, completion_tokens: 60, total_tokens: 285, prompt_tokens_details: { cached_tokens: 100 }, cache_read_input_tokens: 100 });
  });

  it('streams reasoning as reasoning_content, then the signed thinking block, then text and usage', async () => {
    fake.respond((_r, res) => sendEventStream(res, fixture('stream-reasoning.json')));
    const chunks = await collect(chunksOf(await chat({ stream: true, reasoning_effort: 'medium' })));
    const deltas = chunks.flatMap((c) => c.choices.map((choice) => choice.delta));
    expect(deltas[0]).toEqual({ role: 'assistant', content: '' });
    expect(deltas.map((d) => d.reasoning_content ?? '').join('')).toBe('17 * 20 = 340, 17 * 3 = 51, so 391.');
    expect(deltas.find((d) => d.thinking_blocks)?.thinking_blocks).toEqual([
      { type: 'thinking', thinking: '17 * 20 = 340, 17 * 3 = 51, so 391.', signature: 'EqoBCkgIARABGAIiQJ6K0a9zZ2FrZS1zaWduYXR1cmU' },
    ]);
    expect(deltas.map((d) => d.content ?? '').join('')).toBe('17 × 23 = 391.');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 48, completion_tokens: 120, total_tokens: 168 } });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('maps exceptions that arrive mid-stream like the same exceptions answered as a status', async () => {
    const cases: Array<[string, string, string]> = [
      ['validationException', 'Input is too long for requested model.', 'context_length_exceeded'],
      ['modelStreamErrorException', 'The model failed mid-answer.', 'upstream_error'],
      ['serviceUnavailableException', 'Bedrock is unavailable.', 'upstream_unavailable'],
      ['internalServerException', 'Internal failure.', 'upstream_error'],
    ];
    for (const [exception, message, kind] of cases) {
      const frames = [...(fixture('stream-text.json') as StreamFrame[]).slice(0, 2), { exception, payload: { message } }];
      fake.respond((_r, res) => sendEventStream(res, frames));
      const chunks = chunksOf(await chat({ stream: true }));
      const seen: ChatCompletionChunk[] = [];
      const error = await failure(
        (async () => {
          for await (const chunk of chunks) seen.push(chunk);
        })(),
      );
      expect(error.kind, exception).toBe(kind);
      expect(error.message).toContain(message);
      expect(seen.map((c) => c.choices[0]?.delta.content).join(''), exception).toBe('Hello');
    }
  });

  it('fails a stream that ends before messageStop', async () => {
    fake.respond((_r, res) => sendEventStream(res, (fixture('stream-text.json') as StreamFrame[]).slice(0, 3)));
    const error = await failure(collect(chunksOf(await chat({ stream: true }))));
    expect(error).toMatchObject({ kind: 'upstream_error' });
    expect(error.message).toMatch(/before messageStop/);
  });
});

describe('transport', () => {
  const slowStream = (): StreamFrame[] => [
    { event: 'messageStart', payload: { role: 'assistant' } },
    ...Array.from({ length: 50 }, () => ({ event: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text: 'tick ' } } })),
    { event: 'messageStop', payload: { stopReason: 'end_turn' } },
  ];

  it('keeps one HTTP/2 connection for Converse calls, one after another and at once', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('converse-text.json')));
    await chat();
    const connect = vi.spyOn(http2, 'connect');
    try {
      for (let i = 0; i < 3; i++) await chat();
      await Promise.all(Array.from({ length: 3 }, () => chat()));
      expect(fake.requests).toHaveLength(7);
      expect(connect).not.toHaveBeenCalled();
    } finally {
      connect.mockRestore();
    }
  });

  it('cancels the upstream stream when the consumer stops reading', async () => {
    fake.respond((_r, res) => sendEventStream(res, slowStream(), 20));
    const chunks = chunksOf(await chat({ stream: true }));
    let seen = 0;
    for await (const _chunk of chunks) if (++seen === 3) break;
    const closed = await Promise.race([fake.requests[0]!.closed.then(() => true), sleep(500).then(() => false)]);
    expect(closed).toBe(true);
  });

  it('cancels the upstream stream when the client goes away', async () => {
    fake.respond((_r, res) => sendEventStream(res, slowStream(), 20));
    const client = new AbortController();
    const chunks = chunksOf(await chat({ stream: true }, {}, client.signal));
    const iterator = chunks[Symbol.asyncIterator]();
    await iterator.next();
    client.abort();
    const error = await failure(
      (async () => {
        while (!(await iterator.next()).done);
      })(),
    );
    expect(error).toMatchObject({ kind: 'upstream_unreachable' });
    expect(error.message).toMatch(/client went away/);
    await fake.requests[0]!.closed;
  });

  it('times out a silent upstream with a 408, for answers and between stream events', async () => {
    fake.respond(async (_r, res) => {
      await sleep(1_000);
      if (!res.stream.destroyed) sendBedrockJson(res, fixture('converse-text.json'));
    });
    const started = Date.now();
    const error = await failure(chat({}, { timeoutMs: 150 }));
    expect(error).toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(900);

    fake.respond((_r, res) =>
      sendEventStream(
        res,
        slowStream()
          .slice(0, 2)
          .concat([{ event: 'contentBlockStop', payload: { contentBlockIndex: 0 } }]),
        400,
      ),
    );
    // Between stream events the limit is stream_timeout when set (as for HTTP upstreams), else timeout.
    const streamError = await failure(collect(chunksOf(await chat({ stream: true }, { timeoutMs: 5_000, streamTimeoutMs: 150 }))));
    expect(streamError).toMatchObject({ kind: 'timeout' });
    const defaultedError = await failure(collect(chunksOf(await chat({ stream: true }, { timeoutMs: 150 }))));
    expect(defaultedError).toMatchObject({ kind: 'timeout' });
  });

  it('reports an unreachable endpoint as a 502 naming it', async () => {
    const error = await failure(chat({}, { apiBase: 'http://127.0.0.1:1' }));
    expect(error).toMatchObject({ kind: 'upstream_unreachable' });
    expect(error.message).toContain('http://127.0.0.1:1');
  });
});
