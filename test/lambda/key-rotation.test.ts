// Scheduled key rotation (`auto_rotate` with `rotation_interval`) in AWS: EventBridge's scheduled event
// invokes the admin Lambda, which regenerates the keys that are due, writes each new key to Secrets
// Manager as LiteLLM's `store_virtual_keys` does (a fake on 127.0.0.1 speaking its JSON protocol, called
// by the real SDK client) and publishes its id, never the key, to SNS.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PublishCommand } from '@aws-sdk/client-sns';
import type { APIGatewayProxyResult, ScheduledEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createAdminHandler } from '../../functions/admin/handler.ts';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { apiGatewayEvent, lambdaContext, type EventInput } from '../helpers/apigw-events.ts';
import { openTestStore, startDynamo } from '../helpers/identity.ts';

const MASTER = 'sk-rotation-master';
const DAY_MS = 86_400_000;
let dynamo: EmbeddedDynamo;
let dir: string;
let handler: ReturnType<typeof createAdminHandler>;
let secretsServer: Server;
/** The fake Secrets Manager's secrets, by name, and the calls it took. */
const secrets = new Map<string, string>();
const calls: string[] = [];
const published: Array<PublishCommand['input']> = [];
let clock = Date.now();

/** Secrets Manager's JSON protocol: PutSecretValue on a secret that exists, CreateSecret of a new one. */
function startFakeSecretsManager(): Promise<string> {
  secretsServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const action = String(req.headers['x-amz-target']).replace('secretsmanager.', '');
      const input = JSON.parse(body) as { SecretId?: string; Name?: string; SecretString: string };
      calls.push(action);
      const reply = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(value));
      if (action === 'PutSecretValue') {
        if (!secrets.has(input.SecretId!)) return reply(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
        secrets.set(input.SecretId!, input.SecretString);
        return reply(200, { ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${input.SecretId}`, Name: input.SecretId, VersionId: 'v2', VersionStages: ['AWSCURRENT'] });
      }
      if (action === 'CreateSecret') {
        secrets.set(input.Name!, input.SecretString);
        return reply(200, { ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${input.Name}`, Name: input.Name, VersionId: 'v1' });
      }
      reply(400, { __type: 'InvalidRequestException', message: `unexpected ${action}` });
    });
  });
  return new Promise((resolve) => secretsServer.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(secretsServer.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  dynamo = await startDynamo();
  const endpoint = await startFakeSecretsManager();
  dir = mkdtempSync(join(tmpdir(), 'tollgate-rotation-'));
  const configPath = join(dir, 'gateway.config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      model_list: [{ model_name: 'mock', litellm_params: { model: 'mock/echo' } }],
      general_settings: {
        master_key: 'os.environ/TOLLGATE_MASTER_KEY',
        key_management_system: 'aws_secret_manager',
        key_management_settings: { store_virtual_keys: true, prefix_for_stored_virtual_keys: 'tollgate/' },
      },
    }),
  );
  process.env['GATEWAY_CONFIG'] = configPath;
  process.env['TOLLGATE_MASTER_KEY'] = 'sk-default-admin-handler';
  const { createAdminHandler } = await import('../../functions/admin/handler.ts');
  delete process.env['GATEWAY_CONFIG'];
  delete process.env['TOLLGATE_MASTER_KEY'];
  handler = createAdminHandler({
    configPath,
    env: (name) => (name === 'TOLLGATE_MASTER_KEY' ? MASTER : undefined),
    store: await openTestStore(dynamo.endpoint),
    rotation: {
      secretsManager: new SecretsManagerClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
      sns: { client: { send: async (command: PublishCommand) => void published.push(command.input) }, topicArn: 'arn:aws:sns:us-east-1:123456789012:alerts' },
      now: () => clock,
    },
  });
});
afterAll(async () => {
  await dynamo.close();
  await new Promise<void>((resolve) => secretsServer.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

async function invoke(input: EventInput, key = MASTER): Promise<{ status: number; body: any }> {
  const result = (await handler(apiGatewayEvent({ ...input, headers: { Authorization: `Bearer ${key}` } }), lambdaContext())) as APIGatewayProxyResult;
  return { status: result.statusCode, body: JSON.parse(result.body) };
}

/** EventBridge's scheduled event, as the stack's rule sends it. */
async function scheduledRun(): Promise<string[]> {
  const event: ScheduledEvent = {
    version: '0',
    id: 'a1b2',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: new Date(clock).toISOString(),
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/KeyRotation'],
    detail: {},
    job: 'key-rotation',
  } as ScheduledEvent;
  return ((await handler(event as never, lambdaContext())) as unknown as { rotated: string[] }).rotated;
}

describe('scheduled key rotation', () => {
  it('rotates due keys through regenerate, stores each new key in Secrets Manager, and publishes only its id', async () => {
    const aliased = (await invoke({ path: '/key/generate', body: { key_alias: 'rotating', auto_rotate: true, rotation_interval: '1d' } })).body;
    expect(aliased.warnings).toBeUndefined();
    expect(Date.parse(aliased.key_rotation_at) - Date.now()).toBeGreaterThan(DAY_MS - 60_000);
    const unnamed = (await invoke({ path: '/key/generate', body: { auto_rotate: true, rotation_interval: '7d' } })).body;
    const fixed = (await invoke({ path: '/key/generate', body: { key_alias: 'fixed' } })).body;

    clock = Date.now();
    expect(await scheduledRun()).toEqual([]);

    clock = Date.now() + DAY_MS + 60_000;
    const rotated = await scheduledRun();
    expect(rotated).toHaveLength(1);
    // The new key is in the secret named for its alias, and works; the old one does not.
    const stored = secrets.get('tollgate/rotating')!;
    expect(stored).toMatch(/^sk-/);
    expect(calls).toEqual(['PutSecretValue', 'CreateSecret']);
    const info = await invoke({ method: 'GET', path: '/key/info', query: {} }, stored);
    expect(info.status).toBe(200);
    expect(info.body.info).toMatchObject({ key_alias: 'rotating', rotation_count: 1, auto_rotate: true });
    expect(Date.parse(info.body.info.key_rotation_at)).toBe(clock + DAY_MS);
    expect(info.body.key).toBe(rotated[0]);
    expect((await invoke({ method: 'GET', path: '/key/info', query: {} }, aliased.key)).status).toBe(401);
    // SNS gets which key became which, never a key.
    expect(published).toHaveLength(1);
    const message = JSON.parse(published[0]!.Message!);
    expect(message).toMatchObject({ event: 'key_rotated', token_id: rotated[0], previous_token_id: aliased.token, key_alias: 'rotating', secret_name: 'tollgate/rotating' });
    expect(published[0]!.Message).not.toContain('sk-');

    // A week on: the unnamed key's secret is named for its hash; the other key's next rotation has come too.
    clock = Date.now() + 7 * DAY_MS + 60_000;
    const later = await scheduledRun();
    expect(later).toHaveLength(2);
    expect(secrets.get(`tollgate/virtual-key-${unnamed.token}`)).toMatch(/^sk-/);
    expect(secrets.get('tollgate/rotating')).not.toBe(stored);
    expect((await invoke({ method: 'GET', path: '/key/info', query: {} }, fixed.key)).status).toBe(200);
    expect(await scheduledRun()).toEqual([]);
  });

  it('stops rotating a key once auto_rotate is turned off', async () => {
    const made = (await invoke({ path: '/key/generate', body: { auto_rotate: true, rotation_interval: '1h' } })).body;
    await invoke({ path: '/key/update', body: { key: made.key, auto_rotate: false } });
    clock = Date.now() + 10 * DAY_MS;
    await scheduledRun();
    expect((await invoke({ method: 'GET', path: '/key/info', query: {} }, made.key)).status).toBe(200);
  });
});
