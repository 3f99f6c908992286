// `npm start`: the gateway on 127.0.0.1:4000 (HOST, PORT), config from GATEWAY_CONFIG or gateway.config.yaml.
import { buildGateway, gatewayConfig } from '../shared/app.ts';
import { ConfigError, type GatewayConfig } from '../shared/config/types.ts';
import { readConfigYaml } from '../shared/config/yaml.ts';
import { consoleLog } from '../shared/core/log.ts';
import { virtualKeyOptions } from '../shared/keys/gateway-options.ts';
import { keyRotation } from '../shared/keys/rotation-from-config.ts';
import { openLocalStore } from './local-store.ts';
import { listen } from './node-adapter.ts';
import { isLoopback, listenRefusal } from './startup.ts';

const log = consoleLog((process.env['LOG_LEVEL'] as 'debug' | 'info' | 'warn' | 'error' | undefined) ?? 'info');
const configPath = process.env['GATEWAY_CONFIG'] ?? 'gateway.config.yaml';
const host = process.env['HOST'] ?? '127.0.0.1';
const port = Number(process.env['PORT'] ?? 4000);

function fail(message: string): never {
  process.stderr.write(`tollgate: ${message}\n`);
  process.exit(1);
}

let config: GatewayConfig;
try {
  config = gatewayConfig(readConfigYaml(configPath), configPath, (name) => process.env[name]);
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
const gateway = buildGateway({ config, log, ...virtualKeyOptions(identity.store), adminApi: true });
// Keys with auto_rotate are rotated once due, looked for every minute (in AWS: a scheduled rule, infra/tollgate-stack.ts).
const rotation = keyRotation(config, identity.store, log, (name) => process.env[name]);
const rotating = setInterval(
  () => void rotation.rotateDue().catch((error: Error) => log.error('scheduled key rotation could not list the keys; retried on the next run', { error: error.message })),
  Number(process.env['TOLLGATE_KEY_ROTATION_CHECK_SECONDS'] ?? 60) * 1000,
);
rotating.unref();
const running = await listen(gateway, host, port).catch((error: Error) => fail(`cannot listen on ${host}:${port}: ${error.message}`));
log.info(`Tollgate listening on ${running.url}`, { models: config.deployments.map((d) => d.modelName), config: configPath });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    clearInterval(rotating);
    void running
      .close()
      .then(() => gateway.flush())
      .then(identity.close)
      .then(() => process.exit(0));
  });
}
