// The admin Lambda end to end: API Gateway REST proxy events → middy → the admin API → dynalite; the
// scheduled health check its EventBridge rule runs; the web UI it serves.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyResult, ScheduledEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { sha256Hex } from '../../shared/core/auth.ts';
import { DeploymentStates } from '../../shared/store/deployment-states.ts';
import { apiGatewayEvent, lambdaContext, type EventInput } from '../helpers/apigw-events.ts';
import { openTestStore, startDynamo } from '../helpers/identity.ts';

const MASTER = 'sk-admin-lambda-master';
let dynamo: EmbeddedDynamo;
let dir: string;
let handler: ReturnType<typeof createAdminHandler>;
let createAdminHandler: typeof import('../../functions/admin/handler.ts').createAdminHandler;

beforeAll(async () => {
  dynamo = await startDynamo();
  dir = mkdtempSync(join(tmpdir(), 'tollgate-admin-'));
  const configPath = join(dir, 'gateway.config.json');
  writeFileSync(configPath, JSON.stringify({ model_list: [{ model_name: 'mock', litellm_params: { model: 'mock/echo' } }], general_settings: { master_key: 'os.environ/TOLLGATE_MASTER_KEY' } }));
  // The master key comes from the deployment's secret, as in AWS.
  const secrets = { values: async () => ({ TOLLGATE_MASTER_KEY: MASTER }) };
  // Importing the module builds its default handler too (no secret outside AWS): give that one the config and a key.
  process.env['GATEWAY_CONFIG'] = configPath;
  process.env['TOLLGATE_MASTER_KEY'] = 'sk-default-admin-handler';
  ({ createAdminHandler } = await import('../../functions/admin/handler.ts'));
  delete process.env['GATEWAY_CONFIG'];
  delete process.env['TOLLGATE_MASTER_KEY'];
  handler = createAdminHandler({ configPath, env: () => undefined, secrets, store: await openTestStore(dynamo.endpoint) });
});
afterAll(async () => {
  await dynamo.close();
  rmSync(dir, { recursive: true, force: true });
});

async function invoke(input: EventInput): Promise<{ status: number; body: any }> {
  const result = (await handler(apiGatewayEvent(input), lambdaContext())) as APIGatewayProxyResult;
  return { status: result.statusCode, body: JSON.parse(result.body) };
}

const master = { Authorization: `Bearer ${MASTER}` };

describe('admin Lambda', () => {
  it('generates, reads and deletes keys with the master key from the secret', async () => {
    const made = await invoke({ path: '/key/generate', headers: master, body: { models: ['mock'], key_alias: 'lambda' } });
    expect(made.status).toBe(200);
    expect(made.body.token).toBe(sha256Hex(made.body.key));
    const info = await invoke({ method: 'POST', path: '/key/info', headers: master, body: { key: made.body.key } });
    expect(info.body.info).toMatchObject({ key_alias: 'lambda', models: ['mock'] });
    const list = await invoke({ method: 'GET', path: '/key/list', headers: master, query: { key_alias: 'lambda' } });
    expect(list.body.keys).toEqual([made.body.token]);
    expect((await invoke({ path: '/key/delete', headers: master, body: { key_aliases: ['lambda'] } })).body).toEqual({ deleted_keys: ['lambda'] });
  });

  it("refuses a virtual key without a role and a wrong key with 401, in OpenAI's error shape", async () => {
    const { body: made } = await invoke({ path: '/key/generate', headers: master, body: {} });
    const forbidden = await invoke({ path: '/team/new', headers: { Authorization: `Bearer ${made.key}` }, body: {} });
    expect(forbidden.status).toBe(401);
    expect(forbidden.body.error).toMatchObject({ type: 'auth_error', code: '401' });
    expect((await invoke({ path: '/team/new', headers: { Authorization: 'Bearer sk-nope' }, body: {} })).status).toBe(401);
    const bad = await invoke({ path: '/key/generate', headers: master, body: { duration: 'soon' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('duration');
  });
});

describe("scheduled health check (the stack's EventBridge rule)", () => {
  it('checks every deployment and records the results in the table for the gateway instances', async () => {
    const configPath = join(dir, 'health.config.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        model_list: [
          { model_name: 'mock', litellm_params: { model: 'mock/echo' }, model_info: { id: 'scheduled-ok' } },
          // Nothing listens on port 9: the check fails to connect.
          { model_name: 'gone', litellm_params: { model: 'openai/gpt-4o', api_base: 'http://127.0.0.1:9/v1', api_key: 'sk-x' }, model_info: { id: 'scheduled-gone' } },
        ],
        general_settings: { master_key: 'os.environ/TOLLGATE_MASTER_KEY', background_health_checks: true },
      }),
    );
    const store = await openTestStore(dynamo.endpoint);
    const scheduled = createAdminHandler({ configPath, env: () => undefined, secrets: { values: async () => ({ TOLLGATE_MASTER_KEY: MASTER }) }, store });
    const event: ScheduledEvent = {
      version: '0',
      id: 'e1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [],
      detail: {},
    };
    // The stack's rule names the job (infra/tollgate-stack.ts#scheduledJob): the health checks only, no key rotation.
    expect(await scheduled({ ...event, job: 'health-checks' } as ScheduledEvent, lambdaContext(30_000))).toEqual({ healthy: 1, unhealthy: 1 });
    const recorded = await new DeploymentStates(store).healthOf(['scheduled-ok', 'scheduled-gone']);
    expect(recorded.get('scheduled-ok')).toMatchObject({ healthy: true });
    expect(recorded.get('scheduled-gone')).toMatchObject({ healthy: false, error: expect.any(String) });
  });
});

describe('admin Lambda: the web UI', () => {
  it('serves the UI from the files built beside its bundle, and signs in with the master key from the secret', async () => {
    // What the stack's bundling writes (infra/ui-bundle.ts): ui/build.ts into ui/ beside the handler.
    const uiDir = join(dir, 'ui');
    execFileSync(process.execPath, ['--import', 'tsx', 'ui/build.ts', uiDir]);
    const secrets = { values: async () => ({ TOLLGATE_MASTER_KEY: MASTER }) };
    const { createAdminHandler } = await import('../../functions/admin/handler.ts');
    const withUi = createAdminHandler({ configPath: join(dir, 'gateway.config.json'), env: () => undefined, secrets, store: await openTestStore(dynamo.endpoint), uiAssetsDir: uiDir });
    const call = async (input: EventInput) => (await withUi(apiGatewayEvent(input), lambdaContext())) as APIGatewayProxyResult;
    const page = await call({ method: 'GET', path: '/ui' });
    expect(page.statusCode).toBe(200);
    expect(page.headers?.['content-security-policy']).toContain("script-src 'self'");
    expect((await call({ method: 'GET', path: '/ui/assets/app.js' })).statusCode).toBe(200);
    const signIn = await call({ path: '/ui/api/sign-in', body: { master_key: MASTER } });
    expect(signIn.statusCode).toBe(200);
    // Behind API Gateway the browser is never on loopback: the cookie is Secure.
    expect(signIn.headers?.['set-cookie']).toMatch(/HttpOnly; SameSite=Lax; Secure$/);
  }, 60_000);
});
