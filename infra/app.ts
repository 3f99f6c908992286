// The CDK app: `npx cdk synth -c config=path/to/config.yaml`.
import { App } from 'aws-cdk-lib';
import { TollgateStack } from './tollgate-stack.ts';

const app = new App();
new TollgateStack(app, 'TollgateStack', {
  configPath: app.node.tryGetContext('config') ?? 'gateway.config.yaml',
  stageName: app.node.tryGetContext('stage'),
});
app.synth();
