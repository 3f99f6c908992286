// Several regions (`-c regions=us-east-1,eu-west-1 ...`): a stack per region, one DynamoDB global table
// owned by the home region's stack with a replica in each other region, every instance's table calls
// sent to the home region (so each budget's conditional writes are decided in one place), the secret
// replicated, and Route 53 latency or failover records with health checks; offline, through cdk-nag.
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { acknowledgeNagFindings } from '../../infra/nag.ts';
import { readSettings } from '../../infra/settings.ts';
import { tollgateStacks } from '../../infra/stacks.ts';
import { storeFromEnv } from '../../shared/store/open.ts';

const CONTEXT = {
  'aws:cdk:bundling-stacks': [],
  config: 'test/fixtures/config/deployable.yaml',
  stage: 'prod',
  regions: 'us-east-1,eu-west-1',
  domainName: 'llm.example.com',
  hostedZoneId: 'Z0123456789ABC',
  zoneName: 'example.com',
  certificateArns: 'arn:aws:acm:us-east-1:123456789012:certificate/a,arn:aws:acm:eu-west-1:123456789012:certificate/b',
};

function synth(context: Record<string, unknown> = {}) {
  const app = new App({ context: { ...CONTEXT, ...context } });
  return { app, stacks: tollgateStacks(app, readSettings(app.node)) };
}

const gatewayEnv = (template: Template) =>
  Object.values(template.findResources('AWS::Lambda::Function')).find((f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'tollgate-gateway')!.Properties.Environment.Variables;

describe('several regions', () => {
  const { app, stacks } = synth();
  const [home, other] = stacks.map((s) => Template.fromStack(s));

  it('makes a stack per region, the home region first, the others after it', () => {
    expect(stacks.map((s) => [s.stackName, s.region])).toEqual([
      ['Tollgate-prod-us-east-1', 'us-east-1'],
      ['Tollgate-prod-eu-west-1', 'eu-west-1'],
    ]);
    expect(stacks[1]!.dependencies).toContain(stacks[0]);
  });

  it('keeps one global table in the home region, replicated to the other', () => {
    home!.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'tollgate-prod',
      Replicas: Match.arrayWith([Match.objectLike({ Region: 'eu-west-1', DeletionProtectionEnabled: true }), Match.objectLike({ Region: 'us-east-1' })]),
    });
    other!.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    home!.hasResourceProperties('AWS::SecretsManager::Secret', { ReplicaRegions: [{ Region: 'eu-west-1' }] });
    other!.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it("sends every region's table calls to the home region, and lets it make them there", () => {
    for (const template of [home!, other!]) expect(gatewayEnv(template)).toMatchObject({ TOLLGATE_TABLE_REGION: 'us-east-1' });
    expect(gatewayEnv(other!)).toMatchObject({ TOLLGATE_TABLE: 'tollgate-prod', TOLLGATE_SECRET_ID: 'tollgate/prod' });
    const statements = Object.values(other!.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('Gateway'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    const table = statements.find((s) => [s.Action].flat().includes('dynamodb:UpdateItem'))!;
    expect(JSON.stringify(table.Resource)).toContain(':dynamodb:us-east-1:');
    expect(JSON.stringify(table.Resource)).toContain(':table/tollgate-prod');
  });

  it('moves every region to another replica with tableRegion (the runbook, when the home region is down)', () => {
    const moved = synth({ tableRegion: 'eu-west-1' }).stacks.map((s) => Template.fromStack(s));
    for (const template of moved) expect(gatewayEnv(template)).toMatchObject({ TOLLGATE_TABLE_REGION: 'eu-west-1' });
    // The table still belongs to the home region's stack.
    moved[0]!.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    expect(() => synth({ tableRegion: 'ap-south-1' })).toThrow(/tableRegion/);
  });

  it('routes the name by latency to healthy regions, each through its own custom domain', () => {
    for (const [template, region] of [
      [home!, 'us-east-1'],
      [other!, 'eu-west-1'],
    ] as const) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'llm.example.com.',
        Type: 'A',
        Region: region,
        SetIdentifier: region,
        HostedZoneId: 'Z0123456789ABC',
        HealthCheckId: Match.anyValue(),
      });
      template.hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: Match.objectLike({ Type: 'HTTPS', ResourcePath: '/prod/health/readiness' }) });
      template.hasResourceProperties('AWS::ApiGateway::DomainName', { DomainName: 'llm.example.com', EndpointConfiguration: { Types: ['REGIONAL'] } });
    }
    other!.hasResourceProperties('AWS::ApiGateway::DomainName', { RegionalCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/b' });
  });

  it('routes by failover instead: the home region while healthy, else the other', () => {
    const [primary, secondary] = synth({ routing: 'failover' }).stacks.map((s) => Template.fromStack(s));
    primary!.hasResourceProperties('AWS::Route53::RecordSet', { Failover: 'PRIMARY', HealthCheckId: Match.anyValue() });
    secondary!.hasResourceProperties('AWS::Route53::RecordSet', { Failover: 'SECONDARY' });
  });

  it('works in the Fargate mode too, the ALBs behind the name', () => {
    const [primary] = synth({ mode: 'fargate' }).stacks.map((s) => Template.fromStack(s));
    primary!.hasResourceProperties('AWS::Route53::RecordSet', { AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }), Region: 'us-east-1' });
    primary!.hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: Match.objectLike({ ResourcePath: '/health/readiness' }) });
  });

  it('synthesizes without looking anything up, and passes cdk-nag in every region', () => {
    expect(app.synth().manifest.missing ?? []).toEqual([]);
    for (const mode of ['lambda', 'fargate']) {
      const { app: nagged, stacks: checked } = synth({ mode });
      Validations.of(nagged).addPlugins(new AwsSolutionsChecks(nagged));
      for (const stack of checked) acknowledgeNagFindings(stack);
      expect(() => nagged.synth(), mode).not.toThrow();
    }
  });

  it('refuses settings it cannot route', () => {
    expect(() => synth({ hostedZoneId: '' })).toThrow(/domainName, hostedZoneId and zoneName/);
    expect(() => synth({ certificateArns: 'arn:aws:acm:us-east-1:123456789012:certificate/a' })).toThrow(/one ACM certificate/);
    expect(() => synth({ regions: 'us-east-1,eu-west-1,ap-south-1', certificateArns: 'a,b,c', routing: 'failover' })).toThrow(/exactly two regions/);
    expect(() => synth({ homeRegion: 'ap-south-1' })).toThrow(/must be one of regions/);
  });
});

describe('the store in a region that is not the home region', () => {
  it('calls the table in TOLLGATE_TABLE_REGION', async () => {
    const env: Record<string, string> = { AWS_REGION: 'eu-west-1', TOLLGATE_TABLE_REGION: 'us-east-1' };
    expect(await storeFromEnv({ env: (name) => env[name] }).client.config.region()).toBe('us-east-1');
    expect(await storeFromEnv({ env: (name) => (name === 'AWS_REGION' ? 'eu-west-1' : undefined) }).client.config.region()).toBe('eu-west-1');
  });
});
