// Guardrails per virtual key and team, through the official openai client against the real store
// (dynalite): a key or team forcing a guardrail the request does not name, a key turning the
// default_on ones off, and the spend ledger's record of what each guardrail did (names, never text).
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';

const CONFIG = `
model_list:
  - model_name: mock
    litellm_params: { model: mock/echo }
guardrails:
  - guardrail_name: mask-mail
    litellm_params:
      guardrail: litellm_content_filter
      mode: pre_call
      default_on: true
      patterns: [{ pattern_type: prebuilt, pattern_name: email, action: MASK }]
  - guardrail_name: no-keys
    litellm_params:
      guardrail: litellm_content_filter
      mode: pre_call
      patterns: [{ pattern_type: prebuilt, pattern_name: openai_api_key, action: BLOCK }]
general_settings: { master_key: ${MASTER} }
`;
const SECRET = 'sk-proj-abcdefghijklmnopqrstuvwx0123';

let dynamo: EmbeddedDynamo;
let gw: KeysGateway;

beforeAll(async () => {
  dynamo = await startDynamo();
  gw = await startKeysGateway(dynamo.endpoint, { config: CONFIG });
});
afterAll(async () => {
  await gw.close();
  await dynamo.close();
});

const ask = (key: string, content: string) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({ model: 'mock', messages: [{ role: 'user', content }] });
const failure = (promise: Promise<unknown>): Promise<any> =>
  promise.then(
    () => undefined,
    (error) => error,
  );

async function newKey(fields: Record<string, unknown>): Promise<string> {
  const { status, body } = await gw.call('POST', '/key/generate', fields);
  expect(status).toBe(200);
  expect(JSON.stringify(body.warnings ?? [])).not.toContain('guardrails');
  return body.key;
}

describe('guardrails of keys and teams', () => {
  it('runs a guardrail the key names on every request of that key, and not on others', async () => {
    const forced = await newKey({ guardrails: ['no-keys'] });
    const plain = await newKey({});
    const error = await failure(ask(forced, `my key is ${SECRET}`));
    expect(error.status).toBe(400);
    expect(JSON.parse(error.error.message)).toMatchObject({ guardrail_name: 'no-keys', reason: 'openai_api_key pattern detected' });
    expect((await ask(plain, `my key is ${SECRET}`)).choices[0]!.message.content).toContain(SECRET);
  });

  it("runs a team's guardrails on its keys' requests", async () => {
    const team = await gw.call('POST', '/team/new', { team_alias: 'careful', metadata: { guardrails: ['no-keys'] } });
    expect(team.status).toBe(200);
    const key = await newKey({ team_id: team.body.team_id });
    expect((await failure(ask(key, `use ${SECRET}`))).status).toBe(400);
  });

  it('turns the default_on guardrails off for a key with disable_global_guardrails, not the ones it names', async () => {
    const off = await newKey({ disable_global_guardrails: true });
    expect((await ask(off, 'mail ann@example.org')).choices[0]!.message.content).toContain('ann@example.org');
    const on = await newKey({});
    const masked = await ask(on, 'mail ann@example.org');
    expect(masked.choices[0]!.message.content).toContain('[EMAIL_REDACTED]');
    expect(masked.choices[0]!.message.content).not.toContain('ann@example.org');
    const offButForced = await newKey({ disable_global_guardrails: true, guardrails: ['no-keys'] });
    expect((await failure(ask(offButForced, SECRET))).status).toBe(400);
  });

  it('records in the ledger which guardrail acted and how, never the text', async () => {
    const key = await newKey({ guardrails: ['no-keys'] });
    const { response } = await new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions
      .create({ model: 'mock', messages: [{ role: 'user', content: 'write to bob@corp.example' }] })
      .withResponse();
    const masked = await logOf(response.headers.get('x-tollgate-request-id')!);
    expect(masked.status).toBe('success');
    expect(masked.metadata.guardrail_information).toEqual([
      { guardrail_name: 'mask-mail', guardrail_mode: 'pre_call', action: 'masked', detected: ['email pattern'] },
      { guardrail_name: 'no-keys', guardrail_mode: 'pre_call', action: 'passed' },
    ]);
    const blocked = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock', messages: [{ role: 'user', content: SECRET }] }),
    });
    expect(blocked.status).toBe(400);
    const refused = await logOf(blocked.headers.get('x-tollgate-request-id')!);
    expect(refused.status).toBe('failure');
    expect(refused.spend).toBe(0);
    expect(refused.metadata.guardrail_information).toContainEqual({ guardrail_name: 'no-keys', guardrail_mode: 'pre_call', action: 'blocked', detected: ['openai_api_key pattern detected'] });
    expect(JSON.stringify([masked, refused])).not.toMatch(/bob@corp|abcdefghij/);
  });
});

async function logOf(requestId: string): Promise<any> {
  for (let i = 0; i < 50; i++) {
    const { status, body } = await gw.call('GET', `/spend/logs?request_id=${requestId}`);
    if (status === 200 && body?.[0]) return body[0];
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no spend log for ${requestId}`);
}
