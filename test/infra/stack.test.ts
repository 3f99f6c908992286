// The CDK app synthesizes offline; its template has the streaming REST API the gateway needs.
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { TollgateStack } from '../../infra/tollgate-stack.ts';

// Bundling is skipped here (esbuild would run per synth); `npx cdk synth` bundles for real.
const synth = (configPath: string) => new TollgateStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Test', { configPath });

describe('TollgateStack', () => {
  const template = Template.fromStack(synth('test/fixtures/config/deployable.yaml'));

  it('streams model routes through a regional REST API into the gateway Lambda', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'ANY',
      Integration: Match.objectLike({
        Type: 'AWS_PROXY',
        ResponseTransferMode: 'STREAM',
        TimeoutInMillis: 900_000,
        Uri: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('response-streaming-invocations')])]) }),
      }),
    });
  });

  it('runs the gateway on Node 24, arm64, with the config bundled beside it', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Environment: { Variables: Match.objectLike({ GATEWAY_CONFIG: 'deployable.yaml' }) },
    });
  });

  it('refuses to synthesize a config holding the development master key', () => {
    expect(() => synth('gateway.config.yaml')).toThrow(/development key sk-tollgate-dev/);
  });
});
