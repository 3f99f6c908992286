// The `langfuse` callback against a fake of Langfuse's ingestion API, `langfuse_otel` against a fake
// of its OTLP endpoint, and `generic_api` against a plain HTTP endpoint: what each receives of a
// streamed request, a failed one, and LiteLLM's request metadata (session, tags, user).
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.ts';
import { startFakeLangfuse, type FakeLangfuse } from '../helpers/fake-langfuse.ts';
import { startFakeCollector, type FakeCollector } from '../helpers/fake-otlp-collector.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

let langfuse: FakeLangfuse;
let langfuseOtlp: FakeCollector;
let logs: RecordingServer;
let failing: RecordingServer;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  langfuse = await startFakeLangfuse('pk-lf-test', 'sk-lf-test');
  langfuseOtlp = await startFakeCollector('/api/public/otel/v1/traces');
  logs = await startRecordingServer((_request, res) => sendJson(res, 200, { ok: true }));
  failing = await startRecordingServer((_request, res) => sendJson(res, 500, { error: { message: 'boom', type: 'server_error', param: null, code: null } }));
  gateway = await startGateway(
    `
model_list:
  - model_name: mock
    litellm_params: { model: mock/echo }
  - model_name: broken
    litellm_params: { model: openai/gpt-4o, api_base: ${failing.url}/v1, api_key: sk-upstream }
router_settings: { num_retries: 0 }
litellm_settings:
  callbacks: ["langfuse", "generic_api"]
  success_callback: ["langfuse_otel"]
`,
    {
      LANGFUSE_PUBLIC_KEY: 'pk-lf-test',
      LANGFUSE_SECRET_KEY: 'sk-lf-test',
      LANGFUSE_HOST: langfuse.url,
      LANGFUSE_OTEL_HOST: langfuseOtlp.url,
      GENERIC_LOGGER_ENDPOINT: `${logs.url}/logs`,
      GENERIC_LOGGER_HEADERS: 'authorization=Bearer%20log-token',
    },
  );
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([langfuse, langfuseOtlp, logs, failing].map((server) => server.close()));
});

describe('the langfuse callback', () => {
  it('sends a trace with the session, tags and user the request names, and a generation with its times, usage and cost', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({
        model: 'mock',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'hello' }],
        // LiteLLM's request metadata for Langfuse.
        ...({ metadata: { session_id: 'session-42', tags: ['prod', 'search'], trace_user_id: 'user-7' } } as object),
      })
      .withResponse();
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    const requestId = response.headers.get('x-tollgate-request-id')!;
    const generation = await eventually(async () => {
      await gateway.flush();
      return [...langfuse.generations.values()].find((g) => g.traceId === requestId);
    });
    expect(langfuse.traces.get(requestId)).toMatchObject({ sessionId: 'session-42', tags: ['prod', 'search'], userId: 'user-7', input: [{ role: 'user', content: 'hello' }] });
    expect(generation).toMatchObject({ model: 'echo', level: 'DEFAULT', usageDetails: { input: usage!.prompt_tokens, output: usage!.completion_tokens } });
    const [start, firstToken, end] = [generation.startTime, generation.completionStartTime, generation.endTime].map(Date.parse);
    expect(start).toBeLessThanOrEqual(firstToken!);
    expect(firstToken).toBeLessThanOrEqual(end!);
    expect(typeof generation.output).toBe('string');
  });

  it('marks a failed request as an error generation', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'broken', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBeGreaterThanOrEqual(500);
    const requestId = response.headers.get('x-tollgate-request-id')!;
    const generation = await eventually(async () => {
      await gateway.flush();
      return [...langfuse.generations.values()].find((g) => g.traceId === requestId);
    });
    expect(generation).toMatchObject({ level: 'ERROR', model: 'gpt-4o' });
    expect(generation.statusMessage).toContain('openai');
    // langfuse_otel is a success_callback: the failure went to the ingestion API only.
    await gateway.flush();
    expect(langfuseOtlp.spans.find((span) => span.attributes['tollgate.request_id'] === requestId)).toBeUndefined();
  });
});

describe('the langfuse_otel callback', () => {
  it("sends the GenAI spans to Langfuse's OTLP endpoint with the project's Basic auth", async () => {
    const { response } = await client.chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const requestId = response.headers.get('x-tollgate-request-id')!;
    const span = await eventually(async () => {
      await gateway.flush();
      return langfuseOtlp.spans.find((s) => s.attributes['tollgate.request_id'] === requestId);
    });
    expect(span.attributes['gen_ai.request.model']).toBe('mock');
    expect(langfuseOtlp.requests.at(-1)!.headers['authorization']).toBe(`Basic ${Buffer.from('pk-lf-test:sk-lf-test').toString('base64')}`);
  });
});

describe('the generic_api callback', () => {
  it('POSTs request log lines as a JSON array with the configured headers', async () => {
    const { response } = await client.chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'logged' }] }).withResponse();
    const requestId = response.headers.get('x-tollgate-request-id')!;
    const line = await eventually(async () => {
      await gateway.flush();
      return logs.requests.flatMap((request) => (Array.isArray(request.json) ? request.json : [])).find((record) => record.request_id === requestId);
    });
    expect(line).toMatchObject({ call_type: 'acompletion', model_group: 'mock', status: 'success', messages: [{ role: 'user', content: 'logged' }] });
    expect(logs.requests.at(-1)!.headers['authorization']).toBe('Bearer log-token');
  });
});
