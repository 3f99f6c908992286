// On AWS the `s3` callback writes through the stack's Firehose delivery stream (TOLLGATE_REQUEST_LOG_STREAM)
// rather than PutObject: one record per request, newline-delimited JSON, sent by the AWS SDK's Firehose
// client to a fake speaking its JSON protocol.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.ts';
import { startFakeFirehose, type FakeFirehose } from '../helpers/fake-firehose.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

let firehose: FakeFirehose;
let gateway: TestGateway;
const previousEndpoint = process.env['AWS_ENDPOINT_URL_FIREHOSE'];

beforeAll(async () => {
  firehose = await startFakeFirehose(['tollgate-request-logs']);
  // The SDK's own per-service endpoint variable: the client is built as on AWS, only pointed here.
  process.env['AWS_ENDPOINT_URL_FIREHOSE'] = firehose.url;
  gateway = await startGateway(
    'model_list:\n  - model_name: mock\n    litellm_params: { model: mock/echo }\nlitellm_settings:\n  callbacks: ["s3"]\n  turn_off_message_logging: true\n  s3_callback_params: { s3_path: logs }\n',
    { TOLLGATE_REQUEST_LOG_STREAM: 'tollgate-request-logs' },
  );
});
afterAll(async () => {
  if (previousEndpoint === undefined) delete process.env['AWS_ENDPOINT_URL_FIREHOSE'];
  else process.env['AWS_ENDPOINT_URL_FIREHOSE'] = previousEndpoint;
  await gateway.close();
  await firehose.close();
});

describe('the s3 callback on AWS', () => {
  it('puts one newline-terminated JSON record per request on the delivery stream, without the prompt when message logging is off', async () => {
    const ids: string[] = [];
    for (const content of ['first secret prompt', 'second secret prompt']) {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock', messages: [{ role: 'user', content }] }),
      });
      expect(response.status).toBe(200);
      await response.text();
      ids.push(response.headers.get('x-tollgate-request-id')!);
    }
    const records = await eventually(async () => {
      await gateway.flush();
      const sent = firehose.records.get('tollgate-request-logs')!.map((data) => data.toString('utf8'));
      return ids.every((id) => sent.some((record) => record.includes(id))) ? sent : undefined;
    });
    for (const record of records) expect(record.endsWith('}\n')).toBe(true);
    const lines = records.map((record) => JSON.parse(record));
    expect(lines.map((line) => line.request_id)).toEqual(expect.arrayContaining(ids));
    expect(lines[0]).toMatchObject({ call_type: 'acompletion', model_group: 'mock', status: 'success' });
    expect(lines[0].prompt_tokens).toBeGreaterThan(0);
    expect(records.join('')).not.toContain('secret prompt');
  });
});
