// `npm run synth`: the CDK app (infra/app.ts, cdk-nag included) synthesized offline in every deployment
// mode, each into cdk.out/<name>: one region on Lambda (the default) and on Fargate, and several regions
// in both. Several regions need a hosted zone and certificates, so those runs name examples; nothing is
// looked up. `npm run synth -- fargate` synthesizes one.
import { spawnSync } from 'node:child_process';

const SEVERAL_REGIONS = {
  regions: 'us-east-1,eu-west-1',
  domainName: 'llm.example.com',
  hostedZoneId: 'Z0000000000EXAMPLE',
  zoneName: 'example.com',
  certificateArns: 'arn:aws:acm:us-east-1:000000000000:certificate/example,arn:aws:acm:eu-west-1:000000000000:certificate/example',
};

export const SYNTH_MODES: Record<string, Record<string, string>> = {
  lambda: {},
  fargate: { mode: 'fargate', region: 'us-east-1' },
  'multi-region': SEVERAL_REGIONS,
  'multi-region-fargate': { ...SEVERAL_REGIONS, mode: 'fargate' },
};

if (import.meta.main) {
  const chosen = process.argv.slice(2);
  for (const name of chosen) if (!(name in SYNTH_MODES)) throw new Error(`no synth mode "${name}"; modes: ${Object.keys(SYNTH_MODES).join(', ')}`);
  for (const [name, context] of Object.entries(SYNTH_MODES)) {
    if (chosen.length && !chosen.includes(name)) continue;
    const flags = Object.entries(context).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
    process.stdout.write(`synth: ${name}\n`);
    const run = spawnSync('cdk', ['synth', '--no-notices', '-q', '-o', `cdk.out/${name}`, ...flags], {
      stdio: 'inherit',
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: '1' },
    });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
}
