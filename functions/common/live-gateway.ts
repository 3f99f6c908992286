// How both Lambdas get their gateway: the config JSON the stack wrote at synth time (infra/deployed-config.ts),
// its `os.environ/NAME` values taken from the deployment's secret first, then from the environment. Without a
// secret the gateway is built at once, at cold start; with one, on the first invocation, and again whenever
// the secret's cached values change (a rotated provider key or master key).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatewayConfig } from '../../shared/app.ts';
import type { EnvLookup } from '../../shared/config/load.ts';
import { ConfigError, DEV_MASTER_KEY, type GatewayConfig } from '../../shared/config/types.ts';
import type { Gateway } from '../../shared/core/gateway.ts';
import type { Log } from '../../shared/core/log.ts';
import { refuseStdio } from '../../shared/mcp/servers.ts';
import type { ProviderRegistry } from '../../shared/providers/registry.ts';
import type { SecretSource, SecretValues } from './secret-env.ts';

/** The name the stack gives the config beside each bundle. */
export const DEPLOYED_CONFIG_FILE = 'gateway.config.json';

export interface LiveGatewayOptions<T = Gateway> {
  /** Default: GATEWAY_CONFIG, else gateway.config.json beside the bundle, else in the cwd. */
  configPath?: string;
  env: EnvLookup;
  /** Where `os.environ/NAME` values come from first; then `env`. */
  secrets?: SecretSource;
  providers?: ProviderRegistry;
  log: Log;
  /** The function's gateway for a loaded config (with whatever else the function makes of the config). */
  build(config: GatewayConfig): T;
}

/** Returns the current gateway; throws at once, without a secret, when the config cannot be used. */
export function liveGateway<T = Gateway>(options: LiveGatewayOptions<T>): () => Promise<T> {
  const { env, secrets, log } = options;
  const configPath = options.configPath ?? env('GATEWAY_CONFIG') ?? deployedConfigPath();

  const build = (values?: SecretValues): T => {
    const config = gatewayConfig(readConfigJson(configPath), configPath, (name) => values?.[name] ?? env(name), options.providers);
    if (config.masterKey === undefined || config.masterKey === DEV_MASTER_KEY) {
      throw new Error(
        `${configPath}: a Lambda behind API Gateway is public, so general_settings.master_key must be set to a secret of your own (not ${DEV_MASTER_KEY}), e.g. os.environ/TOLLGATE_MASTER_KEY.`,
      );
    }
    refuseStdio(config.mcpServers, configPath);
    for (const warning of config.warnings) log.warn(warning);
    return options.build(config);
  };

  let current: { values?: SecretValues; gateway: T } | undefined = secrets ? undefined : { gateway: build() };
  return async () => {
    if (!secrets) return current!.gateway;
    const values = await secrets.values();
    if (current?.values !== values) current = { values, gateway: build(values) };
    return current.gateway;
  };
}

function deployedConfigPath(): string {
  const besideBundle = fileURLToPath(new URL(`./${DEPLOYED_CONFIG_FILE}`, import.meta.url));
  return existsSync(besideBundle) ? besideBundle : resolve(DEPLOYED_CONFIG_FILE);
}

function readConfigJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [`not valid JSON (the stack writes this file from the YAML config at synth time): ${(error as Error).message}`]);
  }
}
