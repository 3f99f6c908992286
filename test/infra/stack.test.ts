// The CDK app synthesizes offline; its template is checked resource by resource, and cdk-nag's
// AwsSolutions pack passes with only the acknowledged (reasoned) findings.
import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfigYaml } from '../../shared/config/yaml.ts';
import { bedrockGuardrailArns, bedrockModels, bedrockResourceArns } from '../../infra/bedrock-access.ts';
import { deployedConfig } from '../../infra/deployed-config.ts';
import { defaultLambdaMemoryMb } from '../../infra/cost/model.ts';
import { acknowledgeNagFindings } from '../../infra/nag.ts';
import { readSettings } from '../../infra/settings.ts';
import { ADMIN_PREFIXES, TollgateStack } from '../../infra/tollgate-stack.ts';
import { PLAYGROUND_PATH } from '../../shared/ui/playground.ts';
import { gatewayRoutes } from '../../shared/app.ts';
import { storeFromEnv } from '../../shared/store/open.ts';
import { vectorIndexFromEnv } from '../../shared/store/s3-vector-entries.ts';
import { recordingLog, testConfig } from '../helpers/gateway.ts';
import { ADMIN_API } from '../../shared/admin-api.ts';

const CONFIG = 'test/fixtures/config/deployable.yaml';

// Bundling is skipped in unit tests (esbuild per synth is slow); `npm run synth` bundles for real.
function synth(context: Record<string, unknown> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], config: CONFIG, ...context } });
  const stack = new TollgateStack(app, 'Test', { settings: readSettings(app.node), env: { account: '123456789012', region: 'us-east-1' } });
  return { app, stack };
}

describe('TollgateStack', () => {
  const { stack } = synth({ stage: 'prod', alertEmail: 'ops@example.com', reservedConcurrency: 50 });
  const template = Template.fromStack(stack);

  it('streams every route through a regional REST API into the gateway Lambda, with a 15-minute timeout', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
    // Uploads arrive as bytes: a multipart audio file would be mangled as text.
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { BinaryMediaTypes: ['multipart/form-data', 'audio/*'] });
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'ANY' } })).filter((m) =>
      JSON.stringify(m.Properties.Integration.Uri).includes('Gateway'),
    );
    expect(methods).toHaveLength(2);
    for (const method of methods) {
      expect(method.Properties.Integration).toMatchObject({ Type: 'AWS_PROXY', ResponseTransferMode: 'STREAM', TimeoutInMillis: 900_000 });
      expect(JSON.stringify(method.Properties.Integration.Uri)).toContain('/response-streaming-invocations');
    }
  });

  it('sends the admin API (keys, teams, users, customers, audit, spend) to the admin function, buffered', () => {
    const resources = Object.values(template.findResources('AWS::ApiGateway::Resource')).map((r) => r.Properties.PathPart);
    for (const prefix of ['key', 'team', 'user', 'customer', 'end_user', 'audit', 'spend', 'global', 'cache', 'ui', 'model', 'health', 'organization', 'budget', 'tag'])
      expect(resources).toContain(prefix);
    // Every route only the admin function serves (adminApi) is under one of its prefixes.
    const served = (adminApi: boolean) =>
      gatewayRoutes({ config: testConfig(''), log: recordingLog(), store: storeFromEnv({ endpoint: 'http://127.0.0.1:9', env: () => undefined }), adminApi: adminApi ? ADMIN_API : undefined }).flatMap(
        (route) => route.paths,
      );
    const gatewayPaths = new Set(served(false));
    for (const path of served(true).filter((p) => !gatewayPaths.has(p))) expect(ADMIN_PREFIXES, path).toContain(path.split('/')[1]);
    const admin = Object.values(template.findResources('AWS::ApiGateway::Method')).filter((m) => JSON.stringify(m.Properties.Integration.Uri).includes('Admin'));
    expect(admin).toHaveLength(2 * ADMIN_PREFIXES.length);
    for (const method of admin) expect(method.Properties.Integration.ResponseTransferMode ?? 'BUFFERED').toBe('BUFFERED');
    const adminStatements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('Admin'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    expect(adminStatements.flatMap((s) => [s.Action].flat())).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'secretsmanager:GetSecretValue']));
    expect(JSON.stringify(adminStatements)).toContain('/index/by_entity');
    expect(JSON.stringify(adminStatements)).not.toContain('index/*');
  });

  it('serves the web UI (/ui and everything under it) from the admin function, but its playground chat streamed from the gateway function', () => {
    const resources = template.findResources('AWS::ApiGateway::Resource');
    const ui = Object.entries(resources).find(([, r]) => r.Properties.PathPart === 'ui')![0];
    const under = Object.entries(resources).find(([, r]) => JSON.stringify(r.Properties.ParentId).includes(ui) && r.Properties.PathPart === '{proxy+}')![0];
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).filter((m) => [ui, under].some((id) => JSON.stringify(m.Properties.ResourceId).includes(id)));
    expect(methods).toHaveLength(2);
    for (const method of methods) expect(JSON.stringify(method.Properties.Integration.Uri)).toContain('Admin');
    // /ui/api/playground/chat: its own resources, the last with a POST into the gateway function's stream.
    const pathOf = (id: string): string => {
      const parent = resources[id]?.Properties.ParentId as { Ref?: string } | undefined;
      return parent?.Ref && resources[parent.Ref] ? `${pathOf(parent.Ref)}/${resources[id]!.Properties.PathPart}` : `/${resources[id]!.Properties.PathPart}`;
    };
    const chat = Object.keys(resources).find((id) => pathOf(id) === PLAYGROUND_PATH)!;
    expect(chat).toBeDefined();
    const playground = Object.values(template.findResources('AWS::ApiGateway::Method')).filter((m) => JSON.stringify(m.Properties.ResourceId).includes(chat));
    expect(playground).toHaveLength(1);
    expect(playground[0]!.Properties).toMatchObject({ HttpMethod: 'POST', Integration: { ResponseTransferMode: 'STREAM', TimeoutInMillis: 900_000 } });
    expect(JSON.stringify(playground[0]!.Properties.Integration.Uri)).toContain('Gateway');
  });

  it('sends every path the UI calls with its session cookie to the admin function, the playground chat to the gateway function', () => {
    // The paths the pages call (ui/api.ts's get, post, del, postStream), from the pages' source.
    const calls = readdirSync('ui/pages')
      .map((file) => readFileSync(join('ui/pages', file), 'utf8'))
      .join('\n')
      .matchAll(/\b(?:get|post|del|postStream)(?:<[^>]*>)?\(\s*['`](\/[^'`?$]*)/g);
    const paths = [...new Set([...calls].map((m) => m[1]!))];
    expect(paths).toContain('/config/yaml');
    expect(paths).toContain(PLAYGROUND_PATH);
    for (const path of paths) if (path !== PLAYGROUND_PATH) expect(ADMIN_PREFIXES, path).toContain(path.split('/')[1]);
  });

  it('throttles the stage and logs access without paths or query strings', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200, LoggingLevel: 'ERROR', DataTraceEnabled: false })],
      AccessLogSetting: Match.objectLike({ Format: Match.stringLikeRegexp('resourcePath') }),
    });
    const format = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!.Properties.AccessLogSetting.Format as string;
    expect(format).not.toMatch(/\$context\.path|querystring/i);
  });

  it('runs the gateway on Node 24, arm64, with its secret, table and topic (the config is bundled beside it as JSON)', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: defaultLambdaMemoryMb(),
      ReservedConcurrentExecutions: 50,
      Environment: {
        Variables: Match.objectLike({
          GATEWAY_CONFIG: Match.absent(),
          POWERTOOLS_METRICS_NAMESPACE: 'Tollgate',
          TOLLGATE_SECRET_ID: Match.anyValue(),
          TOLLGATE_TABLE: Match.anyValue(),
          NODE_OPTIONS: Match.absent(),
        }),
      },
    });
  });

  it('keeps keys and spend in an on-demand, encrypted, recoverable table that production retains', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        SSESpecification: Match.objectLike({ SSEEnabled: true }),
        GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'by_entity' })],
        Replicas: [Match.objectLike({ DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      }),
    });
    const dev = Template.fromStack(synth({ stage: 'dev' }).stack);
    dev.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
  });

  it('grants the gateway only single-item table access (and the response cache batches and partition query), its secret, the topic and the configured Bedrock models', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('Gateway'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:Query',
        'sns:Publish',
        'secretsmanager:GetSecretValue',
        'bedrock:InvokeModel',
        'bedrock:InvokeModelWithResponseStream',
      ]),
    );
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.some((a) => a.endsWith(':*') || a === '*')).toBe(false);
    const bedrock = JSON.stringify(statements.find((s) => [s.Action].flat().includes('bedrock:InvokeModel'))!.Resource);
    expect(bedrock).toContain('inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(bedrock).toContain('foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(bedrock).toContain(':bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0');
    expect(bedrock).not.toContain('foundation-model/*');
  });

  it('generates the master key into the provider secret, and alerts by SNS with an optional e-mail', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ GenerateStringKey: 'TOLLGATE_MASTER_KEY' }) });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('has a dashboard and alarms on error rate and p99 latency that notify the topic', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 5, Metrics: Match.anyValue(), AlarmActions: [Match.anyValue()] });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 60_000, ExtendedStatistic: 'p99' });
  });

  it("sends the s3 callback's request logs through Firehose to an encrypted bucket of its own, a folder per day", () => {
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: Match.objectLike({ Prefix: 'tollgate/!{timestamp:yyyy-MM-dd}/' }),
    });
    template.hasResourceProperties('AWS::S3::Bucket', { PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true }), BucketEncryption: Match.anyValue() });
    const gateway = Object.values(template.findResources('AWS::Lambda::Function')).find((f) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === 'tollgate-gateway')!;
    expect(gateway.Properties.Environment.Variables.TOLLGATE_REQUEST_LOG_STREAM.Ref).toMatch(/^RequestLogsStream/);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('Gateway'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>);
    expect(statements.flatMap((s) => [s.Action].flat())).toContain('firehose:PutRecordBatch');
    template.hasOutput('RequestLogBucket', {});
  });

  it("sizes the functions at the cost model's default memory (docs/COST.md), or at memorySize", () => {
    expect(defaultLambdaMemoryMb()).toBe(1024);
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) expect(fn.Properties.MemorySize).toBe(1024);
    const sized = Template.fromStack(synth({ memorySize: 1536 }).stack);
    for (const fn of Object.values(sized.findResources('AWS::Lambda::Function'))) expect(fn.Properties.MemorySize).toBe(1536);
  });

  it('outputs the base URL, the admin URL, the secret name and the topic ARN', () => {
    for (const output of ['BaseUrl', 'AdminUrl', 'SecretName', 'AlertTopicArn']) template.hasOutput(output, {});
  });

  it('passes cdk-nag AwsSolutions with only reasoned acknowledgements', () => {
    const { app, stack: nagged } = synth();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    acknowledgeNagFindings(nagged);
    expect(() => app.synth()).not.toThrow();
  });

  it('fails cdk-nag when a finding is not acknowledged', () => {
    const { app } = synth();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-APIG4/);
  });

  it('fails synth on a config the functions could not load, naming the problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-synth-'));
    const bad = (name: string, yaml: string) => {
      writeFileSync(join(dir, name), yaml);
      return () => synth({ config: join(dir, name) });
    };
    expect(bad('provider.yaml', 'model_list:\n  - model_name: x\n    litellm_params: { model: nope/x }\ngeneral_settings: { master_key: os.environ/K }\n')).toThrow(/unknown provider "nope"/);
    expect(bad('shape.yaml', 'model_list:\n  - model_name: x\n    litellm_params: { model: openai/x, timeout: soon }\ngeneral_settings: { master_key: os.environ/K }\n')).toThrow(/timeout/);
    expect(bad('syntax.yaml', 'model_list: [\n')).toThrow(/not valid YAML/);
  });

  it('refuses to synthesize a config holding the development master key, and bad settings', () => {
    expect(() => synth({ config: 'gateway.config.yaml' })).toThrow(/development key sk-tollgate-dev/);
    expect(() => synth({ architecture: 'sparc' })).toThrow(/arm64 or x86_64/);
    expect(() => synth({ domainName: 'llm.example.com' })).toThrow(/go together/);
  });
});

describe('scheduled health checks', () => {
  it('invokes the admin function every health_check_interval (in whole minutes) when background_health_checks is on, and lets it call the models', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-health-'));
    const config = join(dir, 'health.yaml');
    writeFileSync(
      config,
      `${readFileSync(CONFIG, 'utf8').replace('general_settings:\n', 'general_settings:\n  background_health_checks: true\n  health_check_interval: 90\n  enable_health_check_routing: true\n')}`,
    );
    const scheduled = Template.fromStack(synth({ config }).stack);
    const healthRules = (template: Template) => Object.values(template.findResources('AWS::Events::Rule')).filter((rule) => rule.Properties.Description.includes('background_health_checks'));
    const rules = healthRules(scheduled);
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties).toMatchObject({ ScheduleExpression: 'rate(2 minutes)', State: 'ENABLED' });
    expect(JSON.stringify(rules[0]!.Properties.Targets)).toContain('Admin');
    // The event names the job, so that the admin function runs the health checks and not the key rotation.
    expect(JSON.parse(rules[0]!.Properties.Targets[0].Input)).toMatchObject({ 'detail-type': 'Scheduled Event', job: 'health-checks' });
    scheduled.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com' });
    const adminActions = Object.values(scheduled.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('Admin'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((st: { Action: string | string[] }) => [st.Action].flat()));
    expect(adminActions).toContain('bedrock:InvokeModel');
    // Without the setting, no rule, and the admin function calls no model.
    const plain = Template.fromStack(synth().stack);
    expect(healthRules(plain)).toHaveLength(0);
    const plainAdmin = JSON.stringify(Object.values(plain.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes('Admin')));
    expect(plainAdmin).not.toContain('bedrock:InvokeModel');
  });
});

describe('Bedrock access', () => {
  it('derives exact model ARNs from the config', () => {
    expect(bedrockResourceArns(bedrockModels(readConfigYaml(CONFIG)))).toEqual(
      [
        'arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        'arn:${AWS::Partition}:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
        'arn:${AWS::Partition}:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0',
      ].sort(),
    );
  });
});

describe('Bedrock Guardrails access', () => {
  it('lets the gateway apply exactly the guardrails the config names, by id in their region or by ARN', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tollgate-synth-')), 'guarded.yaml');
    writeFileSync(
      path,
      `model_list:
  - model_name: a
    litellm_params: { model: openai/gpt-4o-mini, api_key: os.environ/OPENAI_API_KEY }
guardrails:
  - guardrail_name: pii
    litellm_params: { guardrail: bedrock, mode: pre_call, guardrailIdentifier: gr-abc123, guardrailVersion: "1", aws_region_name: eu-west-1 }
  - guardrail_name: words
    litellm_params: { guardrail: litellm_content_filter, mode: pre_call, blocked_words: [{ keyword: x, action: BLOCK }] }
litellm_settings:
  guardrails:
    - guardrail_name: topics
      litellm_params: { guardrail: bedrock, mode: post_call, guardrailIdentifier: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/gr-xyz', guardrailVersion: DRAFT }
general_settings: { master_key: os.environ/K }
`,
    );
    expect(bedrockGuardrailArns(readConfigYaml(path))).toEqual([
      'arn:${AWS::Partition}:bedrock:eu-west-1:${AWS::AccountId}:guardrail/gr-abc123',
      'arn:aws:bedrock:us-east-1:123456789012:guardrail/gr-xyz',
    ]);
    const statements = Object.values(Template.fromStack(synth({ config: path }).stack).findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('Gateway'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    const apply = statements.find((s) => [s.Action].flat().includes('bedrock:ApplyGuardrail'))!;
    expect(JSON.stringify(apply.Resource)).toContain(':bedrock:eu-west-1:');
    expect(JSON.stringify(apply.Resource)).toContain('guardrail/gr-abc123');
    expect(JSON.stringify(apply.Resource)).toContain('arn:aws:bedrock:us-east-1:123456789012:guardrail/gr-xyz');
    expect(JSON.stringify(apply.Resource)).not.toContain('guardrail/*');
  });
});

describe('scheduled key rotation', () => {
  const adminStatements = (template: Template) =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('Admin'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);

  it('invokes the admin function every hour, which may publish to the alert topic', () => {
    const template = Template.fromStack(synth().stack);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Admin'), 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Admin'), 'Arn'] },
    });
    const statements = adminStatements(template);
    expect(statements.flatMap((s) => [s.Action].flat())).toContain('sns:Publish');
    // Without store_virtual_keys the function writes no secret.
    expect(statements.flatMap((s) => [s.Action].flat())).not.toContain('secretsmanager:PutSecretValue');
  });

  it("with store_virtual_keys, lets it write secrets under the config's prefix only", () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tollgate-synth-')), 'rotating.yaml');
    writeFileSync(
      path,
      `model_list:
  - model_name: a
    litellm_params: { model: openai/gpt-4o-mini, api_key: os.environ/OPENAI_API_KEY }
general_settings:
  master_key: os.environ/K
  key_management_system: aws_secret_manager
  key_management_settings: { store_virtual_keys: true, prefix_for_stored_virtual_keys: team-keys/ }
`,
    );
    const write = adminStatements(Template.fromStack(synth({ config: path }).stack)).find((s) => [s.Action].flat().includes('secretsmanager:PutSecretValue'))!;
    expect([write.Action].flat().sort()).toEqual(['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue']);
    expect(JSON.stringify(write.Resource)).toContain(':secret:team-keys/*');
  });
});

describe('the optional Cognito authorizer (context callerUserPoolArn)', () => {
  const POOL = 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123';
  const methodsOf = (template: Template, fn: string) =>
    Object.values(template.findResources('AWS::ApiGateway::Method')).filter((m) => JSON.stringify(m.Properties.Integration?.Uri ?? '').includes(fn)) as Array<{
      Properties: { HttpMethod: string; AuthorizationType: string; AuthorizationScopes?: string[] };
    }>;

  it("checks the pool's tokens before the model routes, gives both functions the pool's keys, and leaves the admin routes to their keys", () => {
    const template = Template.fromStack(synth({ callerUserPoolArn: POOL, callerScopes: 'tollgate/invoke' }).stack);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'COGNITO_USER_POOLS', ProviderARNs: [POOL], IdentitySource: 'method.request.header.Authorization' });
    const gateway = methodsOf(template, 'Gateway');
    const models = gateway.filter((method) => method.Properties.HttpMethod === 'ANY');
    expect(models).toHaveLength(2);
    for (const method of models) expect(method.Properties).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizationScopes: ['tollgate/invoke'] });
    // The UI's playground chat is the gateway function's too, but its caller is the UI's session cookie.
    expect(gateway.filter((method) => method.Properties.HttpMethod !== 'ANY').map((method) => method.Properties.AuthorizationType)).toEqual(['NONE']);
    for (const method of methodsOf(template, 'Admin')) expect(method.Properties.AuthorizationType).toBe('NONE');
    const jwks = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json';
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME);
    expect(functions.map((f) => f.Properties.Environment.Variables.JWT_PUBLIC_KEY_URL)).toEqual([jwks, jwks]);
  });

  it('passes cdk-nag with it on', () => {
    const { app, stack: nagged } = synth({ callerUserPoolArn: POOL });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    acknowledgeNagFindings(nagged);
    expect(() => app.synth()).not.toThrow();
  });

  it('is absent unless asked for, and refuses an ARN that is not a user pool', () => {
    const template = Template.fromStack(synth().stack);
    expect(template.findResources('AWS::ApiGateway::Authorizer')).toEqual({});
    for (const method of methodsOf(template, 'Gateway')) expect(method.Properties.AuthorizationType).toBe('NONE');
    expect(() => synth({ callerUserPoolArn: 'arn:aws:iam::123456789012:role/x' })).toThrow(/callerUserPoolArn must be a Cognito user pool ARN/);
  });
});

describe('the config the functions read', () => {
  it('is the YAML as JSON, with os.environ/ values left for the functions to resolve from the secret', () => {
    const { document, json } = deployedConfig(CONFIG);
    expect(JSON.parse(json)).toEqual(readConfigYaml(CONFIG));
    expect(JSON.parse(json)).toEqual(document);
    expect(json).toContain('"master_key": "os.environ/TOLLGATE_MASTER_KEY"');
    expect(json).toContain('"api_key": "os.environ/OPENAI_API_KEY"');
  });

  it('accepts os.environ/ values where a URL goes, since their values only exist at run time', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tollgate-synth-')), 'vllm.yaml');
    writeFileSync(path, 'model_list:\n  - model_name: a\n    litellm_params: { model: hosted_vllm/x, api_base: os.environ/VLLM_API_BASE }\ngeneral_settings: { master_key: os.environ/K }\n');
    expect(JSON.parse(deployedConfig(path).json).model_list[0].litellm_params.api_base).toBe('os.environ/VLLM_API_BASE');
  });
});

describe("the semantic cache's S3 Vectors index (context semanticCacheDimensions)", () => {
  const semanticConfig = () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tollgate-synth-')), 'semantic.yaml');
    writeFileSync(
      path,
      `model_list:
  - model_name: a
    litellm_params: { model: openai/gpt-4o-mini, api_key: os.environ/OPENAI_API_KEY }
  - model_name: embedder
    litellm_params: { model: openai/text-embedding-3-small, api_key: os.environ/OPENAI_API_KEY }
general_settings: { master_key: os.environ/K }
litellm_settings:
  cache: true
  cache_params: { type: redis-semantic, similarity_threshold: 0.9, redis_semantic_cache_embedding_model: embedder }
`,
    );
    return path;
  };
  const statementsOf = (template: Template, role: string) =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>)
      .filter((s) => [s.Action].flat().some((action) => action.startsWith('s3vectors:')));

  it('makes a vector bucket and a cosine index of those dimensions, named to both functions, each allowed only its own operations on that index', () => {
    const { stack } = synth({ config: semanticConfig(), semanticCacheDimensions: 1536 });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3Vectors::VectorBucket', 1);
    template.hasResourceProperties('AWS::S3Vectors::VectorBucket', { EncryptionConfiguration: { SseType: 'AES256' } });
    template.hasResourceProperties('AWS::S3Vectors::Index', { IndexName: 'semantic-cache', DataType: 'float32', Dimension: 1536, DistanceMetric: 'cosine' });
    const index = { 'Fn::GetAtt': [expect.stringMatching(/^SemanticCacheIndex/), 'IndexArn'] };
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME);
    expect(functions).toHaveLength(2);
    for (const fn of functions) {
      const variables = fn.Properties.Environment.Variables;
      expect(variables.TOLLGATE_VECTOR_INDEX).toBe('semantic-cache');
      expect(JSON.stringify(variables.TOLLGATE_VECTOR_BUCKET)).toContain('VectorBucketArn');
      // What the functions read of it (with the bucket's name as CloudFormation will resolve it).
      expect(vectorIndexFromEnv((name) => (name === 'TOLLGATE_VECTOR_BUCKET' ? 'bucket-1' : name === 'AWS_REGION' ? 'eu-west-1' : variables[name]))).toEqual({
        bucket: 'bucket-1',
        index: 'semantic-cache',
        region: 'eu-west-1',
        endpoint: undefined,
      });
    }
    const [gateway] = statementsOf(template, 'Gateway');
    expect([gateway!.Action].flat().sort()).toEqual(['s3vectors:GetVectors', 's3vectors:PutVectors', 's3vectors:QueryVectors']);
    expect(gateway!.Resource).toMatchObject(index);
    const [admin] = statementsOf(template, 'Admin');
    expect([admin!.Action].flat().sort()).toEqual(['s3vectors:DeleteVectors', 's3vectors:GetVectors', 's3vectors:ListVectors']);
    expect(admin!.Resource).toMatchObject(index);
  });

  it('passes cdk-nag with it on', () => {
    const { app, stack: nagged } = synth({ config: semanticConfig(), semanticCacheDimensions: 1024 });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    acknowledgeNagFindings(nagged);
    expect(() => app.synth()).not.toThrow();
  });

  it('is absent without the dimensions (prompts stay in the table, with a warning at synth) or without a semantic cache, and refuses dimensions S3 Vectors does not take', () => {
    const { stack } = synth({ config: semanticConfig() });
    expect(Template.fromStack(stack).findResources('AWS::S3Vectors::Index')).toEqual({});
    expect(JSON.stringify(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('semanticCacheDimensions')))).toContain('S3 Vectors');
    expect(Template.fromStack(synth({ semanticCacheDimensions: 1536 }).stack).findResources('AWS::S3Vectors::VectorBucket')).toEqual({});
    expect(() => synth({ config: semanticConfig(), semanticCacheDimensions: 5000 })).toThrow(/1 to 4096/);
  });
});
