// LiteLLM's region-based routing: an end user whose customer record sets `allowed_model_region`
// (`eu` or `us`) is served only by deployments in that region. A deployment's region is its
// `litellm_params.region_name`, else `model_info.region_name`, else where its provider runs it
// (`aws_region_name`, `vertex_location`); `eu-central-1`, `europe-west4` are in `eu`, `us-east-1`,
// `us-central1` in `us`. The answer names the deployment's region in `x-litellm-model-region`.
import type { Deployment } from '../config/types.ts';
import { GatewayError } from '../core/errors.ts';

export type AllowedRegion = 'eu' | 'us';

/** Where the deployment runs, as configured; undefined when it says nothing. */
export function regionOf(deployment: Deployment): string | undefined {
  for (const value of [deployment.params['region_name'], deployment.modelInfo['region_name'], deployment.params['aws_region_name'], deployment.params['vertex_location']]) {
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}

function isIn(region: string, allowed: AllowedRegion): boolean {
  const name = region.toLowerCase();
  if (allowed === 'eu') return name === 'eu' || name.startsWith('eu-') || name.startsWith('europe-') || name.startsWith('eu.');
  return name === 'us' || name.startsWith('us-') || name.startsWith('us.');
}

/** The deployments in the allowed region; LiteLLM's refusal when none is (a deployment that names no region is in none). */
export function byRegion(deployments: Deployment[], allowed: AllowedRegion, model: string): Deployment[] {
  const inRegion = deployments.filter((deployment) => {
    const region = regionOf(deployment);
    return region !== undefined && isIn(region, allowed);
  });
  if (inRegion.length) return inRegion;
  throw new GatewayError(
    'invalid_request',
    `No deployment of "${model}" is in the end user's allowed_model_region "${allowed}". Give one of its deployments litellm_params.region_name: "${allowed}" (or a region there), or change the customer's allowed_model_region.`,
    { param: 'model' },
  );
}
