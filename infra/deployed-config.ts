// What the functions read instead of the YAML: the config, checked at synth time and written as JSON beside
// each bundle, so a bad config fails `npm run synth` and the bundles carry no YAML parser. `os.environ/NAME`
// values are kept as they are: the functions resolve them at run time, from the deployment's secret.
import type { ObservabilitySettings } from '../shared/config/callbacks.ts';
import type { HealthCheckSettings } from '../shared/config/health-check-settings.ts';
import { loadConfigDocument } from '../shared/config/load.ts';
import { DEV_MASTER_KEY, type GatewayConfig } from '../shared/config/types.ts';
import { readConfigYaml } from '../shared/config/yaml.ts';
import { refuseStdio } from '../shared/mcp/servers.ts';
import { listingProvider } from '../shared/pricing/price-table.ts';
import { defaultProviders } from '../shared/providers/registry.ts';

/**
 * Stands in for every `os.environ/NAME` value while checking, since the real one is only known at run
 * time. It is URL-shaped because `api_base` (which must be a URL) is often given that way.
 */
const RUN_TIME_VALUE = 'https://value-from-the-secret.invalid';

export interface DeployedConfig {
  /** The YAML as parsed, `os.environ/` references unresolved. */
  document: unknown;
  json: string;
  /** The logging callbacks as the functions will run them (the stack makes what `s3` writes to). */
  observability: ObservabilitySettings;
  /** `background_health_checks` and their interval (the stack schedules them). */
  healthChecks: HealthCheckSettings;
  /** Where rotated keys are stored (`key_management_settings.store_virtual_keys`): the admin function may write secrets under the prefix. */
  storedVirtualKeys: GatewayConfig['storedVirtualKeys'];
  /** The response cache is semantic: the stack may give it an S3 Vectors index. */
  semanticCache: boolean;
}

export function deployedConfig(configPath: string): DeployedConfig {
  const document = readConfigYaml(configPath);
  const providers = defaultProviders();
  const config = loadConfigDocument(
    document,
    configPath,
    () => RUN_TIME_VALUE,
    (prefix) => providers.get(prefix),
    listingProvider(providers),
  );
  refuseStdio(config.mcpServers, configPath);
  // The development master key is public knowledge: never deploy a config that holds it.
  if (config.masterKey === undefined || config.masterKey === DEV_MASTER_KEY) {
    throw new Error(
      `${configPath}: general_settings.master_key must be set, and not to the development key ${DEV_MASTER_KEY}, before deploying. Use os.environ/TOLLGATE_MASTER_KEY (the stack's secret holds a generated one).`,
    );
  }
  return {
    document,
    json: `${JSON.stringify(document, null, 2)}\n`,
    observability: config.observability,
    healthChecks: config.healthChecks,
    storedVirtualKeys: config.storedVirtualKeys,
    semanticCache: !!config.cache?.semantic,
  };
}
