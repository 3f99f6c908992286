// `npm start`: the gateway on 127.0.0.1:4000 (HOST, PORT), config from GATEWAY_CONFIG or gateway.config.yaml.
import { buildGateway, gatewayConfig } from '../shared/app.ts';
import { ConfigError, type GatewayConfig } from '../shared/config/types.ts';
import { readConfigYaml } from '../shared/config/yaml.ts';
import { consoleLog } from '../shared/core/log.ts';
import { virtualKeyOptions } from '../shared/keys/gateway-options.ts';
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
// The web UI is built from ui/, in memory, when it is first asked for: what it serves is always the source's.
let gateway: ReturnType<typeof buildGateway>;
try {
  gateway = buildGateway({
    config,
    log,
    ...virtualKeyOptions(identity.store),
    adminApi: true,
    ui: { files: async () => (await import('../ui/build.ts')).buildUi(), env: (name) => process.env[name] },
  });
} catch (error) {
  fail((error as Error).message);
}
const running = await listen(gateway, host, port).catch((error: Error) => fail(`cannot listen on ${host}:${port}: ${error.message}`));
log.info(`Tollgate listening on ${running.url} (web UI: ${running.url}/ui)`, { models: config.deployments.map((d) => d.modelName), config: configPath });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(
    signal,
    () =>
      void running
        .close()
        .then(() => gateway.flush())
        .then(identity.close)
        .then(() => process.exit(0)),
  );
}
