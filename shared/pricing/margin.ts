// What keys are charged on top of the provider's cost, as LiteLLM's `cost_margin_config`: per
// provider, per model name, or `global`; a number is a fraction (0.1 = 10%), an object may add a
// fixed amount per request. The most specific entry wins: model name, then provider, then global.
import type { Deployment } from '../config/types.ts';
import { usd } from './usd.ts';

export type MarginSetting = number | { percentage?: number; fixed_amount?: number };
export type MarginConfig = Record<string, MarginSetting>;

export function chargedCost(cost: number, deployment: Deployment, margins: MarginConfig | undefined): number {
  const setting = margins?.[deployment.modelName] ?? margins?.[deployment.provider] ?? margins?.['global'];
  if (setting === undefined) return cost;
  const percentage = typeof setting === 'number' ? setting : (setting.percentage ?? 0);
  const fixed = typeof setting === 'number' ? 0 : (setting.fixed_amount ?? 0);
  return usd(cost * (1 + percentage) + fixed);
}
