// One `model_list` entry that did not come from the config file (a model added with /model/new), made a
// Deployment exactly as the file's entries are: the same schema, `os.environ/` values, provider
// checks and defaults (shared/config/load.ts), so a stored model cannot be something the file refuses.
import { loadConfigDocument, type BareModelLookup, type EnvLookup, type ProviderLookup } from './load.ts';
import { ConfigError, type Deployment } from './types.ts';

export interface ModelEntry {
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info: Record<string, unknown>;
}

/** The entry's deployment; throws ConfigError (its problems name fields, never values) when the file would refuse or disable it. */
export function deploymentOfEntry(entry: ModelEntry, source: string, env: EnvLookup, providers: ProviderLookup, bareModels: BareModelLookup): Deployment {
  const config = loadConfigDocument({ model_list: [entry] }, source, env, providers, bareModels);
  const deployment = config.deployments[0];
  if (!deployment)
    throw new ConfigError(
      source,
      config.disabled.map(({ reason }) => `it cannot be served: ${reason}`),
    );
  return deployment;
}
