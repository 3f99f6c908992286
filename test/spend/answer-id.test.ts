// LiteLLM's spend logs are found by the id of the answer the client got: its e2e test
// (tests/test_spend_logs.py) reads /spend/logs?request_id=<completion.id> and the organization and team
// of that record. The ledger keys records by the gateway's own request id; each record keeps the
// answer's id too, and the lookup finds it by either.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { sendJson, sendSse, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { ask, completion, eventually, MASTER, spendConfig, startDynamo, startSpendGateway, type SpendGateway } from './support.ts';

let dynamo: EmbeddedDynamo;
let upstream: RecordingServer;
let gateway: SpendGateway;
let key: string;
let other: string;
let orgId: string;
let teamId: string;

beforeAll(async () => {
  dynamo = await startDynamo();
  upstream = await startRecordingServer();
  // Every answer has an id of its own, as OpenAI's do.
  upstream.respond(async (request, res) => {
    const id = `chatcmpl-${randomUUID()}`;
    if (!request.json?.stream) return sendJson(res, 200, { ...completion({ prompt_tokens: 5, completion_tokens: 5 }), id });
    const chunk = { id, object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta: { content: 'hello' }, finish_reason: 'stop' }] };
    await sendSse(res, [`data: ${JSON.stringify(chunk)}\n\n`, 'data: [DONE]\n\n']);
  });
  gateway = await startSpendGateway(dynamo.endpoint, spendConfig(upstream.url));
  const org = await gateway.admin('POST', '/organization/new', { organization_alias: 'answer-id-org' });
  const team = await gateway.admin('POST', '/team/new', { organization_id: org.body.organization_id });
  orgId = org.body.organization_id;
  teamId = team.body.team_id;
  key = (await gateway.admin('POST', '/key/generate', { team_id: teamId })).body.key;
  other = (await gateway.admin('POST', '/key/generate', {})).body.key;
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
  await dynamo.close();
});

async function logsFor(requestId: string, as = MASTER): Promise<any[]> {
  const response = await fetch(`${gateway.url}/spend/logs?request_id=${encodeURIComponent(requestId)}`, { headers: { authorization: `Bearer ${as}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as any[];
}

describe('GET /spend/logs?request_id=<the answer’s id>', () => {
  it('finds the record of a chat completion by completion.id, with its organization and team as LiteLLM’s test reads them', async () => {
    const { data, response } = await gateway.client(key).chat.completions.create(ask(50)).withResponse();
    expect([orgId, teamId].every(Boolean)).toBe(true);
    const [log] = await eventually(async () => {
      const logs = await logsFor(data.id);
      expect(logs).toHaveLength(1);
      return logs;
    });
    expect(log.response_id).toBe(data.id);
    expect(log.request_id).toBe(response.headers.get('x-litellm-call-id'));
    expect(log.team_id).toBe(teamId);
    expect(log.metadata.user_api_key_team_id).toBe(teamId);
    expect(log.metadata.user_api_key_org_id).toBe(orgId);
    // The gateway's own id still finds it.
    expect(await logsFor(log.request_id)).toEqual([log]);
    // Another key does not see it; its own key does.
    expect(await logsFor(data.id, other)).toEqual([]);
    expect(await logsFor(data.id, key)).toEqual([log]);
    // LiteLLM's paged /spend/logs/v2 finds it the same way.
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const v2 = await fetch(`${gateway.url}/spend/logs/v2?request_id=${data.id}&start_date=${day(Date.now() - 86_400_000)}&end_date=${day(Date.now())}`, {
      headers: { authorization: `Bearer ${MASTER}` },
    });
    expect(((await v2.json()) as { data: unknown[] }).data).toEqual([log]);
  });

  it('finds a streamed answer’s record by its chunks’ id', async () => {
    const stream = await gateway.client(key).chat.completions.create({ ...ask(50), stream: true });
    let id = '';
    for await (const chunk of stream) id ||= chunk.id;
    expect(id).toMatch(/^chatcmpl-/);
    await eventually(async () => expect((await logsFor(id)).map((log) => log.response_id)).toEqual([id]));
  });

  it('answers an empty list for an id nothing answered', async () => {
    expect(await logsFor(`chatcmpl-${randomUUID()}`)).toEqual([]);
  });
});
