// Deployment `rpm`/`tpm` as routing hints: a deployment that has had its `rpm` requests or `tpm` tokens
// this minute (counted on this instance, as LiteLLM counts them without Redis) is passed over.
import type { Deployment } from '../../config/types.ts';
import type { DeploymentStats } from '../deployment-stats.ts';

export function underRateHints(candidates: Deployment[], stats: DeploymentStats, promptTokens: number): Deployment[] {
  return candidates.filter((d) => {
    const used = stats.usageThisMinute(d.id);
    return (d.rpm === undefined || used.requests < d.rpm) && (d.tpm === undefined || used.tokens + promptTokens <= d.tpm);
  });
}
