// What exporters log of a call that guardrails ran on, through the `generic_api` callback against a
// plain HTTP endpoint on 127.0.0.1: the request as pre_call masked it (never as the client sent it),
// and `logging_only` guardrails masking the logged request and answer while the client's answer and
// the upstream's request stay as they were.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

let logs: RecordingServer;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  logs = await startRecordingServer((_request, res) => sendJson(res, 200, { ok: true }));
  gateway = await startGateway(
    `
model_list:
  - model_name: mock
    litellm_params: { model: mock/echo }
guardrails:
  - guardrail_name: pii-in
    litellm_params:
      guardrail: litellm_content_filter
      mode: pre_call
      default_on: true
      patterns: [{ pattern_type: prebuilt, pattern_name: email, action: MASK }]
  - guardrail_name: staff-ids-out-of-logs
    litellm_params:
      guardrail: litellm_content_filter
      mode: logging_only
      default_on: true
      patterns: [{ pattern_type: regex, pattern: 'EMP-\\d{4}', name: employee_id, action: MASK }]
  - guardrail_name: no-logs-of-secrets
    litellm_params:
      guardrail: litellm_content_filter
      mode: logging_only
      patterns: [{ pattern_type: prebuilt, pattern_name: openai_api_key, action: BLOCK }]
litellm_settings:
  callbacks: ["generic_api"]
`,
    { GENERIC_LOGGER_ENDPOINT: `${logs.url}/logs` },
  );
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await logs.close();
});

async function loggedLine(requestId: string): Promise<Record<string, any>> {
  return eventually(async () => {
    await gateway.flush();
    return logs.requests.flatMap((request) => (Array.isArray(request.json) ? request.json : [])).find((record) => record.request_id === requestId);
  });
}

describe('logged texts', () => {
  it('are the request as pre_call masked it, and masked by logging_only guardrails, which change nothing else', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'EMP-1234 is jane@example.com' }] }).withResponse();
    // The client's answer: what the upstream got (pre_call masked), with the staff id logging_only leaves alone.
    expect(data.choices[0]!.message.content).toContain('EMP-1234 is [EMAIL_REDACTED]');
    const line = await loggedLine(response.headers.get('x-tollgate-request-id')!);
    expect(line.messages).toEqual([{ role: 'user', content: '[EMPLOYEE_ID_REDACTED] is [EMAIL_REDACTED]' }]);
    expect(line.response).toContain('[EMPLOYEE_ID_REDACTED] is [EMAIL_REDACTED]');
    expect(JSON.stringify(line)).not.toMatch(/EMP-1234|jane@/);
  });

  it('that a logging_only guardrail would block are withheld from the log, and the call goes through', async () => {
    const secret = 'sk-proj-abcdefghijklmnopqrstuvwx0123';
    const { data, response } = await client.chat.completions
      .create({ model: 'mock', messages: [{ role: 'user', content: `key ${secret}` }], guardrails: ['no-logs-of-secrets'] } as any)
      .withResponse();
    expect(data.choices[0]!.message.content).toContain(secret);
    const line = await loggedLine(response.headers.get('x-tollgate-request-id')!);
    expect(JSON.stringify(line)).not.toContain(secret);
    expect(line.messages[0].content).toBe('[withheld from logs by guardrail no-logs-of-secrets]');
  });
});
