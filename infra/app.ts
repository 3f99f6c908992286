// The CDK app: `npx cdk synth` / `npx cdk deploy`, settings from context (see infra/settings.ts and the
// README's "Deploy to AWS"). cdk-nag's AwsSolutions rules run on every synth and fail it on findings.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeNagFindings } from './nag.ts';
import { readSettings } from './settings.ts';
import { TollgateStack } from './tollgate-stack.ts';

const app = new App();
const settings = readSettings(app.node);
const stack = new TollgateStack(app, `Tollgate-${settings.stage}`, { settings, description: 'Tollgate LLM gateway' });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
acknowledgeNagFindings(stack);
app.synth();
