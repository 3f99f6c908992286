// `npm start`: the gateway on 127.0.0.1:4000 (HOST, PORT), config from GATEWAY_CONFIG or gateway.config.yaml.
// The same server is the Fargate mode's container (infra/fargate/Dockerfile), where the stack sets
// TOLLGATE_SECRET_ID (`os.environ/` values from that Secrets Manager secret, read at start),
// TOLLGATE_STORE=dynamodb (the stack's table) and POWERTOOLS_METRICS_NAMESPACE (the Lambda's EMF metrics).
// SIGTERM drains: requests in flight are answered to the end and their spend recorded before it exits.
import { buildGateway, gatewayConfig } from '../shared/app.ts';
import { ConfigError, type GatewayConfig } from '../shared/config/types.ts';
import { readConfigYaml } from '../shared/config/yaml.ts';
import { consoleLog } from '../shared/core/log.ts';
import { virtualKeyOptions } from '../shared/keys/gateway-options.ts';
import { vectorIndexFromEnv } from '../shared/store/s3-vector-entries.ts';
import { startBackgroundHealthChecks } from './background-health-checks.ts';
import { keyRotation } from '../shared/keys/rotation-from-config.ts';
import { openLocalStore } from './local-store.ts';
import { listen } from './node-adapter.ts';
import { isLoopback, listenRefusal } from './startup.ts';
import { ADMIN_API } from '../shared/admin-api.ts';

const log = consoleLog((process.env['LOG_LEVEL'] as 'debug' | 'info' | 'warn' | 'error' | undefined) ?? 'info');
const configPath = process.env['GATEWAY_CONFIG'] ?? 'gateway.config.yaml';
const host = process.env['HOST'] ?? '127.0.0.1';
const port = Number(process.env['PORT'] ?? 4000);
/** How long SIGTERM waits for requests in flight (ECS gives a task at most 120 s before SIGKILL). */
const shutdownGraceMs = Number(process.env['TOLLGATE_SHUTDOWN_GRACE_SECONDS'] ?? 30) * 1000;

function fail(message: string): never {
  process.stderr.write(`tollgate: ${message}\n`);
  process.exit(1);
}

// The AWS pieces are imported only when asked for: `npm start` starts without loading them.
const secretValues: Readonly<Record<string, string>> = process.env['TOLLGATE_SECRET_ID']
  ? await import('../functions/common/secret-env.ts')
      .then(({ secretSourceFromEnv }) => secretSourceFromEnv((name) => process.env[name])!.values())
      .catch((error: Error) => fail(`cannot read the secret: ${error.message}`))
  : {};

let config: GatewayConfig;
try {
  config = gatewayConfig(readConfigYaml(configPath), configPath, (name) => secretValues[name] ?? process.env[name]);
} catch (error) {
  fail(error instanceof ConfigError ? error.message : `cannot load ${configPath}: ${(error as Error).message}`);
}
const refusal = listenRefusal(host, config.masterKey);
if (refusal) fail(refusal);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number, not "${process.env['PORT']}"`);

for (const warning of config.warnings) log.warn(warning);
if (config.masterKey === undefined && isLoopback(host)) {
  log.warn('NO MASTER KEY: the gateway is open to anyone on this machine. Set general_settings.master_key before sharing it.');
}

const identity = await openLocalStore((name) => process.env[name]).catch((error: Error) => fail(`cannot open the identity store: ${error.message}`));
log.info(`Virtual keys, teams and users are stored in ${identity.location}`);
const namespace = process.env['POWERTOOLS_METRICS_NAMESPACE'];
const metrics = namespace
  ? await Promise.all([import('@aws-lambda-powertools/metrics'), import('../functions/gateway/metrics.ts')]).then(([{ Metrics }, { requestMetrics }]) => [
      requestMetrics(new Metrics({ namespace }), new Set(config.deployments.map((d) => d.modelName))),
    ])
  : [];
// The web UI is built from ui/, in memory, when it is first asked for: what it serves is always the source's.
let gateway: ReturnType<typeof buildGateway>;
try {
  gateway = buildGateway({
    config,
    log,
    ...virtualKeyOptions(identity.store),
    // The Fargate mode's stack may name an S3 Vectors index; `npm start` names none and keeps prompts in the table.
    vectorIndex: vectorIndexFromEnv((name) => process.env[name]),
    adminApi: ADMIN_API,
    afterResponse: metrics,
    // One process holds each stream of MCP's older SSE transport: here it can.
    mcpSse: {},
    // At most four daily rollup writes a second per rollup item, whatever the rate; a kill -9 loses at most
    // the last quarter second's adds, and SIGTERM's drain waits that long at most for them.
    spend: { rollupGatherMs: 250 },
    ui: { files: async () => (await import('../ui/build.ts')).buildUi(), env: (name) => process.env[name] },
  });
} catch (error) {
  fail((error as Error).message);
}
// Keys with auto_rotate are rotated once due, looked for every minute (in AWS: a scheduled rule, infra/tollgate-stack.ts).
const rotation = keyRotation(config, identity.store, log, (name) => process.env[name]);
const rotating = setInterval(
  () => void rotation.rotateDue().catch((error: Error) => log.error('scheduled key rotation could not list the keys; retried on the next run', { error: error.message })),
  Number(process.env['TOLLGATE_KEY_ROTATION_CHECK_SECONDS'] ?? 60) * 1000,
);
rotating.unref();
const running = await listen(gateway, host, port).catch((error: Error) => fail(`cannot listen on ${host}:${port}: ${error.message}`));
log.info(`Tollgate listening on ${running.url} (web UI: ${running.url}/ui)`, { models: config.deployments.map((d) => d.modelName), config: configPath });
const stopHealthChecks = startBackgroundHealthChecks(config, identity.store, log);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info(`${signal}: answering the requests in flight (${shutdownGraceMs / 1000} s at most), then stopping`);
    clearInterval(rotating);
    void running
      .drain(shutdownGraceMs)
      .then(stopHealthChecks)
      .then(() => gateway.flush())
      .then(identity.close)
      .then(() => process.exit(0));
  });
}
