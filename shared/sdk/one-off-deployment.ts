// The deployment an SDK call runs on, built from its arguments as if it were one config entry: the
// same loader checks the prefix, reads the key from the provider's environment variable when no
// api_key is given, and says what is missing.
import { loadConfigDocument } from '../config/load.ts';
import { SUPPORTED_KEYS } from '../config/schema.ts';
import { ConfigError, type Deployment, type GatewayConfig } from '../config/types.ts';
import { GatewayError } from '../core/errors.ts';
import type { ProviderRegistry } from '../providers/registry.ts';

export interface OneOff {
  deployment: Deployment;
  /** The arguments that are not deployment settings: the request body. */
  body: Record<string, unknown>;
}

/** Splits `args` into deployment settings (LiteLLM's litellm_params: api_key, api_base, vertex_project, ...) and the request. */
export function oneOffDeployment(args: Record<string, unknown> & { model: string }, providers: ProviderRegistry): OneOff {
  const prefix = args.model.split('/')[0]!;
  const settingKeys = new Set<string>([...SUPPORTED_KEYS.litellm_params, ...(providers.get(prefix)?.extraParams ?? [])]);
  const params: Record<string, unknown> = { model: args.model };
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined) continue;
    if (settingKeys.has(key)) params[key] = value;
    else body[key] = value;
  }
  let config: GatewayConfig;
  try {
    config = loadConfigDocument(
      { model_list: [{ model_name: args.model, litellm_params: params }] },
      'tollgate SDK call',
      (name) => process.env[name],
      (name) => providers.get(name),
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const problems = error.problems.map((p) => p.replace(/^model_list\[0\]\.(litellm_params\.)?/, ''));
    throw new GatewayError('invalid_request', `Cannot call ${args.model}: ${problems.join('; ')}.`, { param: 'model' });
  }
  const deployment = config.deployments[0];
  if (!deployment) {
    throw new GatewayError('invalid_request', `Cannot call ${args.model}: ${config.disabled[0]?.reason ?? 'it is not usable'}. Pass api_key, or set the provider's environment variable.`, {
      param: 'api_key',
    });
  }
  return { deployment, body: { ...body, model: args.model } };
}
