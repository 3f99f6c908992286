// `tollgate config check FILE`: loads a LiteLLM config as the gateway would, with this shell's
// environment, and says what a migrating team needs to know before it deploys: the model names
// served and by what, the deployments disabled and why (unset variables, missing keys), those it
// cannot price (their requests cost 0 and no budget holds them), and every key of the file Tollgate
// does not act on. Exit 0 when the file loads, 1 when it does not.
import { gatewayConfig } from '../../shared/app.ts';
import { readConfigYaml } from '../../shared/config/yaml.ts';
import { ConfigError, type GatewayConfig } from '../../shared/config/types.ts';
import { silentLog } from '../../shared/core/log.ts';
import { Pricer } from '../../shared/pricing/pricer.ts';
import { defaultProviders } from '../../shared/providers/registry.ts';

export function checkConfig(path: string, env: (name: string) => string | undefined): { text: string; ok: boolean } {
  let config: GatewayConfig;
  try {
    config = gatewayConfig(readConfigYaml(path), path, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { text: `${path} does not load:\n${error.problems.map((p) => `  ${p}`).join('\n')}\n`, ok: false };
  }
  const served = servedNames(config);
  const lines = [`${path} loads.`, '', `Served (${served.length}):`, ...served.map((line) => `  ${line}`)];
  lines.push('', `Disabled (${config.disabled.length}):`, ...config.disabled.map((d) => `  ${d.modelName}: ${d.reason}`));
  const unpriced = unpricedDeployments(config);
  lines.push('', `Unpriced (${unpriced.length}): their requests cost 0 and no budget holds them; give each model_info.base_model or input_cost_per_token/output_cost_per_token`);
  lines.push(...unpriced.map((line) => `  ${line}`));
  lines.push('', `Not acted on (${config.ignoredKeys.length}):`, ...config.ignoredKeys.map((key) => `  ${key}`));
  const other = config.warnings.filter((w) => !w.includes('ignoring keys') && !w.includes('is disabled'));
  if (other.length) lines.push('', 'Other warnings:', ...other.map((w) => `  ${w}`));
  return { text: `${lines.join('\n')}\n`, ok: true };
}

/** The deployments neither their config entry nor the price table prices (a wildcard's models are priced one by one, as requested). */
function unpricedDeployments(config: GatewayConfig): string[] {
  const pricer = new Pricer(silentLog, defaultProviders(), config.costMargins);
  return config.deployments.filter((d) => !d.upstreamModel.includes('*') && !pricer.priceOf(d)).map((d) => `${d.modelName} → ${d.provider}/${d.upstreamModel}`);
}

/** Each model name with the deployments behind it, then the aliases. */
function servedNames(config: GatewayConfig): string[] {
  const byName = new Map<string, string[]>();
  for (const d of config.deployments) byName.set(d.modelName, [...(byName.get(d.modelName) ?? []), `${d.provider}/${d.upstreamModel}`]);
  const names = [...byName].map(([name, upstreams]) => `${name} → ${upstreams.join(', ')}${name.includes('*') ? ' (wildcard)' : ''}`);
  for (const [alias, { model, hidden }] of config.router.modelGroupAlias) names.push(`${alias} → ${model} (model_group_alias${hidden ? ', hidden' : ''})`);
  return names;
}
