// The stacks of one deployment: one stack, or with `-c regions=a,b[,c]` one stack per region named
// `Tollgate-<stage>-<region>`, the home region's first (it owns the global table and the secret the
// others replicate and name), each with its Route 53 entry (infra/regional-record.ts).
import type { App } from 'aws-cdk-lib';
import type { TollgateSettings } from './settings.ts';
import { TollgateStack } from './tollgate-stack.ts';

const DESCRIPTION = 'Tollgate LLM gateway';

export function tollgateStacks(app: App, settings: TollgateSettings): TollgateStack[] {
  const multi = settings.multiRegion;
  if (!multi) {
    // The Fargate mode needs its region at synth (the ALB's access logs are written by that region's
    // load balancing service): `-c region=...`, else the CLI's (AWS_REGION or the profile's).
    const region = settings.region ?? (settings.mode === 'fargate' ? process.env['CDK_DEFAULT_REGION'] : undefined);
    if (settings.mode === 'fargate' && !region) throw new Error('Fargate mode needs its region: pass -c region=eu-west-1 (or set AWS_REGION)');
    return [new TollgateStack(app, `Tollgate-${settings.stage}`, { settings, description: DESCRIPTION, env: region ? { region } : undefined })];
  }
  const ordered = [multi.homeRegion, ...multi.regions.filter((r) => r !== multi.homeRegion)];
  const stacks = ordered.map(
    (region) =>
      new TollgateStack(app, `Tollgate-${settings.stage}-${region}`, {
        settings: { ...settings, certificateArn: multi.certificateArns[multi.regions.indexOf(region)] },
        description: `${DESCRIPTION} (${region}${region === multi.homeRegion ? ', home region' : ''})`,
        env: { region },
      }),
  );
  // The replicas and the replicated secret exist once the home region's stack is deployed.
  for (const stack of stacks.slice(1)) stack.addStackDependency(stacks[0]!);
  return stacks;
}
