// The CDK app: `npx cdk synth` / `npx cdk deploy`, settings from context (see infra/settings.ts and the
// README's "Deploy to AWS" and "Deployment modes"): one stack, or one per region (infra/stacks.ts). cdk-nag's AwsSolutions rules run on every synth and fail it on findings.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeNagFindings } from './nag.ts';
import { readSettings } from './settings.ts';
import { tollgateStacks } from './stacks.ts';

const app = new App();
const stacks = tollgateStacks(app, readSettings(app.node));
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
for (const stack of stacks) acknowledgeNagFindings(stack);
app.synth();
