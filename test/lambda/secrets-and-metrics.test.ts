// In AWS the gateway reads `os.environ/` values from one Secrets Manager secret (cached, refreshed
// after its TTL) and publishes EMF metrics per request. Secrets Manager is a fake on 127.0.0.1 speaking
// its JSON protocol; the real Powertools SecretsProvider and AWS SDK client talk to it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { secretSource } from '../../functions/common/secret-env.ts';
import { apiGatewayEvent, lambdaContext } from '../helpers/apigw-events.ts';
import { installLambdaShim, invokeStreaming } from '../helpers/lambda-stream-shim.ts';

const configPath = join(mkdtempSync(join(tmpdir(), 'tollgate-secret-')), 'gateway.config.json');
writeFileSync(configPath, JSON.stringify({ model_list: [{ model_name: 'mock', litellm_params: { model: 'mock/x' } }], general_settings: { master_key: 'os.environ/TOLLGATE_MASTER_KEY' } }));
// Importing the module builds its default handler too: give that one a config and a key of its own.
process.env['GATEWAY_CONFIG'] = configPath;
process.env['TOLLGATE_MASTER_KEY'] = 'sk-default-handler-key';
installLambdaShim();
const { createHandler } = await import('../../functions/gateway/handler.ts');

let secretString = JSON.stringify({ TOLLGATE_MASTER_KEY: 'sk-from-secret-1' });
let secretFetches = 0;
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') return void res.writeHead(400).end();
      secretFetches++;
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(
        JSON.stringify({
          ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${SecretId}-AbCdEf`,
          Name: SecretId,
          SecretString: secretString,
          VersionId: 'v1',
          VersionStages: ['AWSCURRENT'],
          CreatedDate: 1_700_000_000,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function secretsProvider() {
  return new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }) });
}

async function chat(handler: unknown, key: string, model = 'mock') {
  const { stream, result } = invokeStreaming(handler, apiGatewayEvent({ headers: { Authorization: `Bearer ${key}` }, body: { model, messages: [{ role: 'user', content: 'hi' }] } }), lambdaContext());
  await result;
  return stream.prelude!.statusCode;
}

describe('secret-backed config values', () => {
  it('reads os.environ/ values from the secret, fetching it once per TTL', async () => {
    secretFetches = 0;
    const handler = createHandler({ configPath, env: () => undefined, secrets: secretSource(secretsProvider(), 'tollgate/providers', 300) });
    expect(await chat(handler, 'sk-from-secret-1')).toBe(200);
    expect(await chat(handler, 'sk-wrong')).toBe(401);
    expect(await chat(handler, 'sk-from-secret-1')).toBe(200);
    expect(secretFetches).toBe(1);
  });

  it('picks up a rotated value once the cache expires', async () => {
    secretString = JSON.stringify({ TOLLGATE_MASTER_KEY: 'sk-from-secret-1' });
    const handler = createHandler({ configPath, env: () => undefined, secrets: secretSource(secretsProvider(), 'tollgate/rotating', 0) });
    expect(await chat(handler, 'sk-from-secret-1')).toBe(200);
    secretString = JSON.stringify({ TOLLGATE_MASTER_KEY: 'sk-from-secret-2' });
    expect(await chat(handler, 'sk-from-secret-2')).toBe(200);
    expect(await chat(handler, 'sk-from-secret-1')).toBe(401);
  });

  it('says what is wrong with a secret that is not a JSON object', async () => {
    secretString = 'just-a-string';
    await expect(secretSource(secretsProvider(), 'tollgate/bad', 0).values()).rejects.toThrow(/not JSON/);
    secretString = JSON.stringify({ TOLLGATE_MASTER_KEY: 'sk-from-secret-1' });
  });
});

describe('metrics', () => {
  it('publishes one EMF record per model request, with model and provider dimensions and no key', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const metrics = new Metrics({ namespace: 'Tollgate', serviceName: 'gateway' });
    const logs = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    try {
      const handler = createHandler({ configPath, env: (n) => (n === 'TOLLGATE_MASTER_KEY' ? 'sk-metrics-test-key' : undefined), metrics });
      expect(await chat(handler, 'sk-metrics-test-key')).toBe(200);
      expect(await chat(handler, 'sk-metrics-test-key', 'made-up-model-1234')).toBe(400);
    } finally {
      spy.mockRestore();
      logs.mockRestore();
    }
    const emf = lines
      .map((l) => l.trim())
      .filter((l) => l.startsWith('{') && l.includes('"_aws"'))
      .map((l) => JSON.parse(l));
    expect(emf).toHaveLength(2);
    expect(emf[0]).toMatchObject({ model: 'mock', provider: 'mock', Requests: 1, Errors4xx: 0, Errors5xx: 0 });
    // A name the config does not serve is no dimension value of its own: clients could mint any number.
    expect(emf[1]).toMatchObject({ model: '(not served)', provider: 'none', Requests: 1, Errors4xx: 1 });
    expect(JSON.stringify(emf)).not.toContain('made-up-model-1234');
    expect(emf[0]._aws.CloudWatchMetrics[0].Namespace).toBe('Tollgate');
    expect(emf[0].InputTokens).toBeGreaterThan(0);
    expect(emf[0].Cost).toBe(0); // the mock provider is free
    expect(emf[0].UpstreamLatency).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(emf)).not.toContain('sk-metrics-test-key');
  });

  it("publishes Powertools' ColdStart metric once per instance, on its first invocation", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const logs = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    // The Lambda runtime says how the instance started; Powertools counts only on-demand cold starts.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    try {
      const metrics = new Metrics({ namespace: 'Tollgate', serviceName: 'gateway' });
      const handler = createHandler({ configPath, env: (n) => (n === 'TOLLGATE_MASTER_KEY' ? 'sk-metrics-test-key' : undefined), metrics });
      for (let i = 0; i < 3; i++) expect(await chat(handler, 'sk-metrics-test-key')).toBe(200);
    } finally {
      vi.unstubAllEnvs();
      spy.mockRestore();
      logs.mockRestore();
    }
    const emf = lines
      .map((l) => l.trim())
      .filter((l) => l.startsWith('{') && l.includes('"_aws"'))
      .map((l) => JSON.parse(l));
    const coldStarts = emf.filter((record) => 'ColdStart' in record);
    expect(coldStarts).toHaveLength(1);
    expect(coldStarts[0]).toMatchObject({ ColdStart: 1, service: 'gateway', function_name: lambdaContext().functionName });
    expect(coldStarts[0]._aws.CloudWatchMetrics[0].Namespace).toBe('Tollgate');
    expect(emf.filter((record) => 'Requests' in record)).toHaveLength(3);
  });
});
