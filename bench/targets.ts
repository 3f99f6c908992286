// The ways a client reaches the fake upstream, each a separate process on loopback: directly, through
// a bare Node proxy (the floor: one more HTTP hop and nothing else), through Tollgate's local server
// (`local/server.ts` as `npm start` runs it, with a bench config via GATEWAY_CONFIG and its identity
// table in a dynalite process) with the master key and with a virtual key that has a budget and rate
// limits, through the Portkey gateway (its published Node build), and through LiteLLM's proxy when one
// is running (peer/litellm.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { benchConfig, MASTER_KEY, UPSTREAM_API_KEY, UPSTREAM_MODEL } from './bench-config.ts';
import { findLiteLLM, LITELLM_UPSTREAM_PORT, litellmConfig, type LiteLLMPeer } from './peer/litellm.ts';
import { freePort, startChild, type Child, type ChildOptions } from './processes.ts';

export type TargetName = 'direct' | 'bare-proxy' | 'tollgate' | 'tollgate-vkey' | 'portkey' | 'litellm';
/** Which of the fake upstream's behaviours a request asks for (see fake-upstream.ts). */
export type Profile = 'fast' | 'paced';

export interface Target {
  name: TargetName;
  /** The gateway process in front of the upstream (none when calling it directly). */
  pid?: number;
  url: string;
  headers: Record<string, string>;
  /** The `model` the client sends. */
  model: string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PORTKEY = join(ROOT, 'node_modules/@portkey-ai/gateway');

/** The installed peer's version, for the report. */
export function portkeyVersion(): string {
  return (JSON.parse(readFileSync(join(PORTKEY, 'package.json'), 'utf8')) as { version: string }).version;
}

export interface Targets {
  upstreamUrl: string;
  /** The identity table's DynamoDB (dynalite) process. */
  dynamoPid: number;
  /** Why there is no virtual-key target, when there is none. */
  virtualKeyMissing?: string;
  /** The LiteLLM proxy benched, or why there is none. */
  litellm: { peer: LiteLLMPeer } | { missing: string };
  of(profile: Profile): Target[];
  stop(): Promise<void>;
}

export async function startTargets(workDir: string, timing: { latencyMs: number; gapMs: number; dbDelayMs?: number }): Promise<Targets> {
  const children: Child[] = [];
  const stop = () => Promise.all(children.map((child) => child.stop())).then(() => undefined);
  const start = async (options: ChildOptions) => {
    const child = await startChild(options);
    children.push(child);
    return child;
  };
  try {
    // A LiteLLM proxy was started before the bench, with the upstream's address in its config.
    const upstreamPort = process.env['LITELLM_PROXY_URL'] ? LITELLM_UPSTREAM_PORT : await freePort();
    const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
    const litellmConfigPath = join(workDir, 'litellm.config.yaml');
    writeFileSync(litellmConfigPath, litellmConfig(`http://127.0.0.1:${LITELLM_UPSTREAM_PORT}`));
    await start({
      name: 'fake upstream',
      args: [join(ROOT, 'bench/fake-upstream.ts')],
      env: { PORT: String(upstreamPort), LATENCY_MS: String(timing.latencyMs), GAP_MS: String(timing.gapMs) },
      logFile: join(workDir, 'upstream.log'),
      readyUrl: upstreamUrl,
    });

    const barePort = await freePort();
    const bareUrl = `http://127.0.0.1:${barePort}`;
    const bare = await start({
      name: 'bare proxy',
      args: [join(ROOT, 'bench/peer/bare-proxy.ts')],
      env: { PORT: String(barePort), UPSTREAM: upstreamUrl },
      logFile: join(workDir, 'bare-proxy.log'),
      readyUrl: bareUrl,
    });

    const dynamoPort = await freePort();
    const dynamo = await start({
      name: 'dynalite',
      args: [join(ROOT, 'bench/dynamodb-server.ts')],
      env: { PORT: String(dynamoPort), DELAY_MS: String(timing.dbDelayMs ?? 0) },
      logFile: join(workDir, 'dynalite.log'),
      readyUrl: `http://127.0.0.1:${dynamoPort}`,
    });

    const configPath = join(workDir, 'tollgate.bench.yaml');
    writeFileSync(configPath, benchConfig(upstreamUrl));
    const tollgatePort = await freePort();
    const tollgateUrl = `http://127.0.0.1:${tollgatePort}`;
    const tollgate = await start({
      name: 'tollgate',
      args: ['--import', 'tsx', join(ROOT, 'local/server.ts')],
      env: {
        GATEWAY_CONFIG: configPath,
        HOST: '127.0.0.1',
        PORT: String(tollgatePort),
        LOG_LEVEL: 'info',
        DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamoPort}`,
        TOLLGATE_DATA_DIR: join(workDir, 'dynamodb'),
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      logFile: join(workDir, 'tollgate.log'),
      readyUrl: `${tollgateUrl}/health/liveliness`,
    });
    const virtualKey = await createVirtualKey(tollgateUrl);

    const portkeyPort = await freePort();
    const portkeyUrl = `http://127.0.0.1:${portkeyPort}`;
    const portkey = await start({
      name: 'portkey',
      args: ['--import', join(ROOT, 'bench/peer/portkey-preload.ts'), join(PORTKEY, 'build/start-server.js'), `--port=${portkeyPort}`, '--headless'],
      env: { NODE_ENV: 'production' },
      logFile: join(workDir, 'portkey.log'),
      readyUrl: portkeyUrl,
    });

    const litellm = await findLiteLLM(process.env, litellmConfigPath);

    const json = { 'content-type': 'application/json' };
    return {
      upstreamUrl,
      dynamoPid: dynamo.pid,
      virtualKeyMissing: 'missing' in virtualKey ? virtualKey.missing : undefined,
      litellm,
      of: (profile) => [
        { name: 'direct', url: `${upstreamUrl}/${profile}/v1/chat/completions`, model: UPSTREAM_MODEL, headers: { ...json, authorization: `Bearer ${UPSTREAM_API_KEY}` } },
        { name: 'bare-proxy', pid: bare.pid, url: `${bareUrl}/${profile}/v1/chat/completions`, model: UPSTREAM_MODEL, headers: { ...json, authorization: `Bearer ${UPSTREAM_API_KEY}` } },
        { name: 'tollgate', pid: tollgate.pid, url: `${tollgateUrl}/v1/chat/completions`, model: `bench-${profile}`, headers: { ...json, authorization: `Bearer ${MASTER_KEY}` } },
        ...('key' in virtualKey
          ? [
              {
                name: 'tollgate-vkey' as const,
                pid: tollgate.pid,
                url: `${tollgateUrl}/v1/chat/completions`,
                model: `bench-${profile}`,
                headers: { ...json, authorization: `Bearer ${virtualKey.key}` },
              },
            ]
          : []),
        {
          name: 'portkey',
          pid: portkey.pid,
          url: `${portkeyUrl}/v1/chat/completions`,
          model: UPSTREAM_MODEL,
          // Portkey's documented header form: provider, the upstream base (it appends /chat/completions) and the upstream key.
          headers: { ...json, authorization: `Bearer ${UPSTREAM_API_KEY}`, 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstreamUrl}/${profile}/v1` },
        },
        // Another process, not started here: no pid, so no CPU column.
        ...('peer' in litellm
          ? [{ name: 'litellm' as const, url: `${litellm.peer.url}/v1/chat/completions`, model: `bench-${profile}`, headers: { ...json, authorization: `Bearer ${MASTER_KEY}` } }]
          : []),
      ],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A virtual key as a LiteLLM user makes one (POST /key/generate with the master key), with a budget
 * and rate limits set high enough never to refuse a benchmark request.
 */
export async function createVirtualKey(tollgateUrl: string): Promise<{ key: string } | { missing: string }> {
  const { statusCode, body } = await request(`${tollgateUrl}/key/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER_KEY}` },
    body: JSON.stringify({ key_alias: 'bench', models: ['bench-fast', 'bench-paced'], max_budget: 1_000_000, rpm_limit: 100_000_000, tpm_limit: 1_000_000_000 }),
  });
  const text = await body.text();
  const key = statusCode === 200 ? (JSON.parse(text) as { key?: unknown }).key : undefined;
  return typeof key === 'string' ? { key } : { missing: `POST /key/generate answered ${statusCode}: ${text.slice(0, 200)}` };
}
