// The Fargate mode (`-c mode=fargate`) synthesizes offline, resource by resource and through cdk-nag,
// and its image runs the server `npm start` runs: the Dockerfile's entry command is run here with node
// (no container engine on this machine), in the build context CDK staged for the image, with the
// environment the task definition gives it, and serves requests over a table and a secret.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { acknowledgeNagFindings } from '../../infra/nag.ts';
import { readSettings } from '../../infra/settings.ts';
import { tollgateStacks } from '../../infra/stacks.ts';
import { TollgateStack } from '../../infra/tollgate-stack.ts';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../helpers/fake-secrets-manager.ts';
import { storeFromEnv } from '../../shared/store/open.ts';
import { startDynamo } from '../helpers/identity.ts';
import { serverEnv } from '../helpers/server-env.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/abc';

function synth(context: Record<string, unknown> = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'tollgate-fargate-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [], mode: 'fargate', ...context } });
  const stack = new TollgateStack(app, 'Fargate', { settings: readSettings(app.node), env: { account: '123456789012', region: 'us-east-1' } });
  return { app, stack, outdir };
}

describe('the Fargate mode', () => {
  const { app, stack, outdir } = synth({ config: 'test/fixtures/config/deployable.yaml', stage: 'prod', domainName: 'llm.example.com', certificateArn: CERTIFICATE });
  const template = Template.fromStack(stack);

  it('runs the gateway as an arm64 Fargate service of at least two tasks, with no Lambda and no API Gateway', () => {
    template.hasResourceProperties('AWS::ECS::Service', { LaunchType: 'FARGATE', DesiredCount: 2, NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED' }) } });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '1024', Memory: '2048', RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' } });
    template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    expect(Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => f.Properties.Handler === 'index.handler')).toEqual([]);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
  });

  it('gives the container the table, the secret, the topic and the metrics namespace by name, and 120 s to drain', () => {
    const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
    const container = task!.Properties.ContainerDefinitions[0];
    const environment = Object.fromEntries(container.Environment.map((e: { Name: string; Value: unknown }) => [e.Name, e.Value]));
    expect(environment).toMatchObject({ TOLLGATE_STORE: 'dynamodb', POWERTOOLS_METRICS_NAMESPACE: 'Tollgate', TOLLGATE_SHUTDOWN_GRACE_SECONDS: '110' });
    expect(JSON.stringify(environment['TOLLGATE_TABLE'])).toContain('Table');
    expect(JSON.stringify(environment['TOLLGATE_SECRET_ID'])).toContain('Secret');
    expect(JSON.stringify(container)).not.toMatch(/sk-|TOLLGATE_MASTER_KEY/);
    expect(container.StopTimeout).toBe(120);
    expect(container.PortMappings).toEqual([expect.objectContaining({ ContainerPort: 4000 })]);
    expect(container.LogConfiguration.LogDriver).toBe('awslogs');
  });

  it('lets the task do what both functions do: the request path, the admin API, its secret, the topic, the configured Bedrock models', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('TaskTaskRole'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
        'secretsmanager:GetSecretValue',
        'sns:Publish',
        'bedrock:InvokeModel',
        'firehose:PutRecordBatch',
      ]),
    );
    expect(actions).not.toContain('dynamodb:Scan');
    expect(JSON.stringify(statements)).toContain('/index/by_entity');
  });

  it('serves HTTPS on an internet-facing ALB (HTTP redirected), streams for 5 minutes idle, and checks /health/readiness', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'idle_timeout.timeout_seconds', Value: '300' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: CERTIFICATE }] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, DefaultActions: [Match.objectLike({ Type: 'redirect' })] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/health/readiness',
      Matcher: { HttpCode: '200' },
      TargetType: 'ip',
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '120' }]),
    });
    // The tasks take connections from the ALB only.
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 4000, SourceSecurityGroupId: Match.anyValue() });
    template.hasOutput('BaseUrl', { Value: 'https://llm.example.com/v1' });
  });

  it('scales on CPU and on requests per task', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, TargetValue: 50 }),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }), TargetValue: 6000 }),
    });
  });

  it('keeps the same table, secret, dashboard and alarms, the alarms on the ALB', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ GenerateStringKey: 'TOLLGATE_MASTER_KEY' }) });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 5, AlarmActions: [Match.anyValue()] });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 60_000, Metrics: Match.arrayWith([Match.objectLike({ Expression: '1000 * p99seconds' })]) });
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'))).toContain('HTTPCode_Target_5XX_Count');
  });

  it('stages the image build (nothing is built at synth) with only what the Dockerfile copies, and looks nothing up', () => {
    const assembly = app.synth();
    expect(assembly.manifest.missing ?? []).toEqual([]);
    const assets = JSON.parse(readFileSync(join(outdir, 'Fargate.assets.json'), 'utf8'));
    const [image] = Object.values(assets.dockerImages) as Array<{ source: { directory: string; dockerFile: string; dockerBuildArgs: Record<string, string>; platform: string } }>;
    expect(image!.source).toMatchObject({ dockerFile: 'infra/fargate/Dockerfile', dockerBuildArgs: { GATEWAY_CONFIG: 'test/fixtures/config/deployable.yaml' }, platform: 'linux/arm64' });
    const context = join(outdir, image!.source.directory);
    for (const path of [
      'package.json',
      'package-lock.json',
      'shared/app.ts',
      'local/server.ts',
      'functions/common/secret-env.ts',
      'infra/fargate/Dockerfile',
      'test/fixtures/config/deployable.yaml',
    ]) {
      expect(existsSync(join(context, path)), path).toBe(true);
    }
    for (const path of ['node_modules', 'bench', 'docs', 'test/e2e', 'infra/tollgate-stack.ts', '.git']) expect(existsSync(join(context, path)), path).toBe(false);
  });

  it('passes cdk-nag AwsSolutions with only reasoned acknowledgements, with and without a certificate', () => {
    for (const context of [{}, { domainName: 'llm.example.com', certificateArn: CERTIFICATE }]) {
      const { app: nagged, stack: checked } = synth(context);
      Validations.of(nagged).addPlugins(new AwsSolutionsChecks(nagged));
      acknowledgeNagFindings(checked);
      expect(() => nagged.synth()).not.toThrow();
    }
  });

  it('refuses a config outside the repository (it is built into the image) and bad settings', () => {
    const outside = join(mkdtempSync(join(tmpdir(), 'tollgate-outside-')), 'gateway.yaml');
    copyFileSync('deploy.config.yaml', outside);
    expect(() => synth({ config: outside })).toThrow(/must be inside the repository/);
    expect(() => synth({ mode: 'ec2' })).toThrow(/lambda or fargate/);
    expect(() => synth({ minTasks: 4, maxTasks: 3 })).toThrow(/maxTasks/);
  });

  it('takes its region from -c region (the ALB logs to that region), and asks for one when none is known', () => {
    vi.stubEnv('CDK_DEFAULT_REGION', '');
    try {
      const app = (context: Record<string, unknown>) => new App({ context: { 'aws:cdk:bundling-stacks': [], mode: 'fargate', ...context } });
      const regionless = app({});
      expect(() => tollgateStacks(regionless, readSettings(regionless.node))).toThrow(/needs its region/);
      const placed = app({ region: 'eu-west-1' });
      expect(tollgateStacks(placed, readSettings(placed.node)).map((s) => s.region)).toEqual(['eu-west-1']);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe("the image's entry command", () => {
  let dynamo: EmbeddedDynamo | undefined;
  let secrets: FakeSecretsManager | undefined;
  let server: ChildProcess | undefined;
  afterAll(async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    await dynamo?.close();
    await secrets?.close();
  });

  it('runs the npm start server from the staged build context, with the task environment, and serves a model call', async () => {
    // The default deployment: deploy.config.yaml, built into the image as /app/gateway.config.yaml.
    const { app, stack, outdir } = synth();
    app.synth();
    const dockerfile = readFileSync(join(ROOT, 'infra/fargate/Dockerfile'), 'utf8');
    const command = JSON.parse(/^CMD (.+)$/m.exec(dockerfile)![1]!) as string[];
    expect(command[0]).toBe('node');
    const imageEnv = Object.fromEntries([...dockerfile.matchAll(/^ENV (.+)$/gm)].flatMap((m) => m[1]!.split(' ').map((pair) => pair.split('=') as [string, string])));
    expect(imageEnv).toMatchObject({ GATEWAY_CONFIG: '/app/gateway.config.yaml', HOST: '0.0.0.0', PORT: '4000' });

    const assets = JSON.parse(readFileSync(join(outdir, 'Fargate.assets.json'), 'utf8'));
    const [image] = Object.values(assets.dockerImages) as Array<{ source: { directory: string; dockerBuildArgs: Record<string, string> } }>;
    const context = join(outdir, image!.source.directory);
    // What the Dockerfile adds to the context: the production dependencies (here: this checkout's) and the config at its path.
    symlinkSync(join(ROOT, 'node_modules'), join(context, 'node_modules'));
    copyFileSync(join(context, image!.source.dockerBuildArgs['GATEWAY_CONFIG']!), join(context, 'gateway.config.yaml'));

    const [task] = Object.values(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition'));
    const taskEnv = Object.fromEntries(task!.Properties.ContainerDefinitions[0].Environment.map((e: { Name: string; Value: unknown }) => [e.Name, e.Value]));
    const table = 'tollgate-image-test';
    const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:tollgate/dev-AbCdEf';
    dynamo = await startDynamo();
    // The stack's table, made here as CloudFormation would: the server creates nothing in this mode.
    await storeFromEnv({ env: (name) => (name === 'TOLLGATE_TABLE' ? table : undefined), endpoint: dynamo.endpoint }).createTableIfMissing();
    secrets = await startFakeSecretsManager({ [secretArn]: JSON.stringify({ TOLLGATE_MASTER_KEY: 'sk-from-the-secret' }) });
    const env = serverEnv({
      ...taskEnv,
      // The task's references, as CloudFormation would fill them in; the AWS endpoints are this test's fakes.
      TOLLGATE_TABLE: table,
      TOLLGATE_SECRET_ID: secretArn,
      TOLLGATE_ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
      GATEWAY_CONFIG: join(context, 'gateway.config.yaml'),
      HOST: '127.0.0.1',
      PORT: '0',
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    server = spawn(process.execPath, command.slice(1), { cwd: context, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const url = await new Promise<string>((resolveUrl, reject) => {
      const onData = (data: Buffer) => {
        output += data.toString();
        const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
        if (found) resolveUrl(found);
      };
      server!.stdout!.on('data', onData);
      server!.stderr!.on('data', onData);
      server!.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${output}`)));
    });
    expect(output).toContain(`DynamoDB table ${table}`);
    expect(secrets.fetches).toEqual([secretArn]);

    const ready = await fetch(`${url}/health/readiness`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'healthy', db: 'connected' });
    const answer = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-from-the-secret', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock', messages: [{ role: 'user', content: 'from the image' }] }),
    });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toContain('from the image');
    // The Lambda's EMF metrics, on the container's stdout for CloudWatch to extract.
    await expect.poll(() => output, { timeout: 5000 }).toMatch(/"_aws":\{[^\n]*"Namespace":"Tollgate"/);

    server.kill('SIGTERM');
    const [code] = await once(server, 'exit');
    expect(code).toBe(0);
  });
});
