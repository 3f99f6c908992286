// What a deployment's config says of every upstream call made to it: how long it may take (the whole
// exchange, or for streams the silence allowed), how large a whole answer may be, and the provider's
// name that messages about it use.
import type { Deployment } from '../config/types.ts';
import type { UpstreamRequest } from '../http/upstream.ts';

export function deploymentLimits(deployment: Deployment): Pick<UpstreamRequest, 'timeoutMs' | 'streamTimeoutMs' | 'maxResponseBytes' | 'provider'> {
  return { timeoutMs: deployment.timeoutMs, streamTimeoutMs: deployment.streamTimeoutMs, maxResponseBytes: deployment.maxResponseBytes, provider: deployment.provider };
}
