// What route modules are built from: the loaded config and the things derived from it once at start.
import type { GatewayConfig } from './config/types.ts';
import type { Log } from './core/log.ts';
import type { ProviderRegistry } from './providers/registry.ts';
import { ModelGroups } from './routing/model-groups.ts';

export interface Services {
  config: GatewayConfig;
  groups: ModelGroups;
  providers: ProviderRegistry;
  log: Log;
}

export function createServices(config: GatewayConfig, providers: ProviderRegistry, log: Log): Services {
  return { config, groups: new ModelGroups(config.deployments), providers, log };
}
