// The `otel` callback against a fake OTLP/HTTP collector that decodes the protobuf: a span per request
// with the GenAI conventions, continuing the client's traceparent, a child span per upstream attempt,
// errors marked; prompts and key details only as configured; a dead collector never touches requests.
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { eventually } from '../helpers/eventually.ts';
import { startFakeCollector, type FakeCollector } from '../helpers/fake-otlp-collector.ts';
import { startGateway } from '../helpers/gateway.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import { sendJson, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const PROMPT = 'the secret plan is pineapple';

let dynamo: EmbeddedDynamo;
let collector: FakeCollector;
let failing: RecordingServer;
let gateway: KeysGateway;
let redacting: KeysGateway;
let virtualKey: string;

const config = (extra: string) => `
model_list:
  - model_name: mock
    litellm_params: { model: mock/echo }
  - model_name: broken
    litellm_params: { model: openai/gpt-4o, api_base: FAILING/v1, api_key: sk-upstream }
  - model_name: rescued
    litellm_params: { model: openai/gpt-4o, api_base: FAILING/v1, api_key: sk-upstream }
router_settings:
  num_retries: 1
  fallbacks: [{ rescued: [mock] }]
litellm_settings:
  callbacks: ["otel"]
${extra}
general_settings: { master_key: ${MASTER} }
`;

async function spanOf(gw: KeysGateway, requestId: string) {
  return eventually(async () => {
    await gw.flush();
    return collector.spans.find((span) => span.attributes['tollgate.request_id'] === requestId);
  });
}

beforeAll(async () => {
  dynamo = await startDynamo();
  collector = await startFakeCollector();
  failing = await startRecordingServer((_request, res) => sendJson(res, 500, { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } }));
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url };
  gateway = await startKeysGateway(dynamo.endpoint, { config: config('').replaceAll('FAILING', failing.url), env });
  redacting = await startKeysGateway(dynamo.endpoint, { config: config('  turn_off_message_logging: true\n  redact_user_api_key_info: true').replaceAll('FAILING', failing.url), env });
  const team = await gateway.call('POST', '/team/new', { team_alias: 'search', models: [] });
  const key = await gateway.call('POST', '/key/generate', { key_alias: 'search-bot', team_id: team.body.team_id });
  virtualKey = key.body.key;
});
afterAll(async () => {
  await Promise.all([gateway.close(), redacting.close()]);
  await Promise.all([collector.close(), failing.close(), dynamo.close()]);
});

describe('the otel callback', () => {
  it('continues the client trace with a GenAI span for a streamed request, and a client span per attempt', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: virtualKey, maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'mock', stream: true, messages: [{ role: 'user', content: PROMPT }], max_tokens: 50, top_p: 0.9 }, { headers: { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01` } })
      .withResponse();
    for await (const _chunk of stream);
    const span = await spanOf(gateway, response.headers.get('x-tollgate-request-id')!);

    expect(span).toMatchObject({ traceId: TRACE_ID, parentSpanId: CLIENT_SPAN, kind: 2, statusCode: 0, name: 'chat mock' });
    expect(span.events).toContain('gen_ai.first_token');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'mock',
      'gen_ai.request.model': 'mock',
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.response.finish_reasons': ['stop'],
      'tollgate.stream': true,
      'tollgate.key.alias': 'search-bot',
      'tollgate.key.hash': createHash('sha256').update(virtualKey).digest('hex'),
      'tollgate.team.alias': 'search',
      'tollgate.retries': 0,
      'tollgate.fallbacks': 0,
    });
    expect(span.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    expect(JSON.parse(span.attributes['gen_ai.input.messages'] as string)).toEqual([{ role: 'user', content: PROMPT }]);
    expect(span.attributes['gen_ai.output.messages']).toContain(PROMPT);

    const attempts = collector.spans.filter((s) => s.parentSpanId === span.spanId);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ traceId: TRACE_ID, kind: 3, statusCode: 0, attributes: { 'gen_ai.provider.name': 'mock', 'tollgate.model_group': 'mock' } });
    expect(collector.requests.map((r) => r.raw.toString('latin1')).join('')).not.toContain(virtualKey);
  });

  it("names an Anthropic-format answer's stop reason, whole or streamed", async () => {
    for (const stream of [false, true]) {
      const response = await fetch(`${gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': MASTER, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'mock', max_tokens: 64, stream, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).toBe(200);
      await response.text();
      const span = await spanOf(gateway, response.headers.get('x-tollgate-request-id')!);
      expect(span.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'tollgate.call_type': 'anthropic_messages', 'gen_ai.response.finish_reasons': ['end_turn'] });
    }
  });

  it('marks a failed request and each failed attempt as errors', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'broken', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBeGreaterThanOrEqual(500);
    const span = await spanOf(gateway, response.headers.get('x-tollgate-request-id')!);
    expect(span.statusCode).toBe(2);
    expect(span.attributes).toMatchObject({ 'error.type': 'api_error', 'http.response.status_code': response.status, 'tollgate.retries': 1 });
    expect(span.parentSpanId).toBe('');
    const attempts = collector.spans.filter((s) => s.parentSpanId === span.spanId);
    expect(attempts.map((a) => [a.statusCode, a.attributes['tollgate.model_group']])).toEqual([
      [2, 'broken'],
      [2, 'broken'],
    ]);
  });

  it('shows a fallback as the failed attempts on one group, then the one that answered', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'rescued', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    const span = await spanOf(gateway, response.headers.get('x-tollgate-request-id')!);
    expect(span.statusCode).toBe(0);
    expect(span.attributes).toMatchObject({ 'tollgate.fallbacks': 1, 'gen_ai.request.model': 'rescued' });
    const attempts = collector.spans.filter((s) => s.parentSpanId === span.spanId).sort((a, b) => a.startMs - b.startMs);
    expect(attempts.map((a) => a.attributes['tollgate.model_group'])).toEqual(['rescued', 'rescued', 'mock']);
    expect(attempts.map((a) => a.statusCode)).toEqual([2, 2, 0]);
  });

  it('leaves out prompts, answers and who called with turn_off_message_logging and redact_user_api_key_info', async () => {
    const client = new OpenAI({ baseURL: `${redacting.url}/v1`, apiKey: virtualKey, maxRetries: 0 });
    const { response } = await client.chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: PROMPT }] }).withResponse();
    const span = await spanOf(redacting, response.headers.get('x-tollgate-request-id')!);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    for (const name of ['gen_ai.input.messages', 'gen_ai.output.messages', 'tollgate.key.alias', 'tollgate.key.hash', 'tollgate.team.id', 'tollgate.team.alias']) {
      expect(span.attributes[name], name).toBeUndefined();
    }
    const sent = collector.requests.map((r) => r.raw.toString('latin1')).join('');
    expect(sent.split('pineapple').length - 1).toBe(2); // the first test's input and output messages, not this one's
  });
});

describe('a collector that is down', () => {
  it('changes nothing for requests, and is logged once, not per request', async () => {
    const dead = await startRecordingServer();
    const url = dead.url;
    await dead.close();
    const gw = await startGateway('model_list:\n  - model_name: mock\n    litellm_params: { model: mock/echo }\nlitellm_settings: { callbacks: ["otel"] }\n', { OTEL_EXPORTER_OTLP_ENDPOINT: url });
    try {
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${gw.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'mock', messages: [{ role: 'user', content: `hi ${i}` }] }),
        });
        expect(response.status).toBe(200);
        expect(((await response.json()) as any).choices[0].message.content).toBeTruthy();
        await eventually(() => gw.log.lines.find((line) => line.message === 'request' && line.fields?.['requestId'] === response.headers.get('x-tollgate-request-id')));
        await gw.flush();
      }
      const warnings = gw.log.lines.filter((line) => line.message.startsWith('otel export failed'));
      expect(warnings).toHaveLength(1);
      expect(gw.log.lines.filter((line) => line.level === 'error')).toEqual([]);
    } finally {
      await gw.close();
    }
  });
});
