// GET /config/yaml: the running config, read-only, every secret masked (shared/config/masked-config.ts),
// for the UI's Settings page and an admin checking what a deployment runs. LiteLLM's route of that name
// only documents the file's keys in its Swagger page; here it answers with the file itself, as loaded,
// and the keys Tollgate does not act on. GET, so both admins read it (shared/keys/roles.ts).
import { maskedConfig } from '../config/masked-config.ts';
import type { GatewayConfig } from '../config/types.ts';
import type { Route } from '../core/types.ts';

export function configYamlEndpoint(config: GatewayConfig): Route[] {
  const body = JSON.stringify({ config: maskedConfig(config.document), ignored_keys: config.ignoredKeys });
  return [{ method: 'GET', paths: ['/config/yaml'], auth: 'admin', group: 'info', handle: async () => ({ body }) }];
}
