// TollgateStack: everything a deployment needs, in the team's own AWS account:
// API Gateway (REST, regional, response streaming) → gateway Lambda (`mode=lambda`, the default), or the
// local server on Fargate behind an ALB (`mode=fargate`, infra/fargate-service.ts); DynamoDB for keys and spend;
// one Secrets Manager secret for provider keys and the master key; SNS for budget alerts;
// CloudWatch logs, metrics (EMF from the functions), a dashboard and alarms.
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Annotations, AssetHashType, CfnOutput, DockerImage, Duration, Fn, RemovalPolicy, Stack, Stage, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat, EndpointType, LambdaIntegration, LogGroupLogDestination, MethodLoggingLevel, ResponseTransferMode, RestApi, SecurityPolicy } from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Function as CdkFunction, Code, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { ApiGatewayDomain, LoadBalancerTarget } from 'aws-cdk-lib/aws-route53-targets';
import type { Construct } from 'constructs';
import { DEPLOYED_CONFIG_FILE } from '../functions/common/live-gateway.ts';
import { bedrockGuardrailArns, bedrockModels, bedrockResourceArns } from './bedrock-access.ts';
import { callerAuthorizer } from './caller-authorizer.ts';
import { deployedConfig } from './deployed-config.ts';
import { exportersBundleCommands } from './exporters-bundle.ts';
import { bundleLambda } from './lambda-bundle.ts';
import { PLAYGROUND_PATH } from '../shared/ui/playground.ts';
import { uiBundleCommands } from './ui-bundle.ts';
import { TollgateService } from './fargate-service.ts';
import { RegionalRecord } from './regional-record.ts';
import { apiMetrics, loadBalancerMetrics, Observability } from './observability.ts';
import { RequestLogs } from './request-logs.ts';
import { SemanticVectors } from './semantic-vectors.ts';
import { PRODUCTION_STAGES, type TollgateSettings } from './settings.ts';

const ROOT = resolve(import.meta.dirname, '..');
/** API Gateway streams may last 15 minutes; long generations need more than the 29 s default. */
const STREAM_TIMEOUT = Duration.minutes(15);
/** Key management answers small JSON quickly; API Gateway's default 29 s is plenty. */
const ADMIN_TIMEOUT = Duration.seconds(29);
/**
 * Path prefixes of the admin API (LiteLLM's key management, organizations, budgets, tags, spend reports, audit, the response cache's routes, model management), served by the admin function;
 * with the web UI (/ui, and LiteLLM's sign-in form /login) and the other routes its pages call with the session cookie (/health, /config/yaml, /router/settings), which only the admin function reads.
 * The one exception is the playground's chat, streamed by the gateway function (PLAYGROUND_PATH below).
 */
export const ADMIN_PREFIXES = [
  'key',
  'team',
  'user',
  'customer',
  'end_user',
  'audit',
  'spend',
  'global',
  'cache',
  'ui',
  'model',
  'health',
  'organization',
  'budget',
  'tag',
  'config',
  'router',
  'login',
];
export const METRICS_NAMESPACE = 'Tollgate';

export interface TollgateStackProps extends StackProps {
  settings: TollgateSettings;
}

export class TollgateStack extends Stack {
  /** Lambda mode: the API and the two functions. */
  readonly api?: RestApi;
  readonly gateway?: CdkFunction;
  readonly admin?: CdkFunction;
  /** Fargate mode: the service behind its load balancer. */
  readonly service?: TollgateService;
  /** In the home region only (every region, unless several are deployed). */
  readonly table?: TableV2;
  readonly secret: ISecret;
  readonly alerts: Topic;
  /** Bedrock model ARNs the gateway may invoke (templates with `${AWS::...}` placeholders). */
  readonly bedrockArns: string[];

  constructor(scope: Construct, id: string, props: TollgateStackProps) {
    super(scope, id, props);
    const { settings } = props;
    // Checked now, so a bad config fails synth; bundled as JSON, so the functions need no YAML parser.
    const config = deployedConfig(resolve(ROOT, settings.configPath));
    const configJson = join(Stage.of(this)!.outdir, `${this.stackName}.${DEPLOYED_CONFIG_FILE}`);
    writeFileSync(configJson, config.json);
    const production = PRODUCTION_STAGES.includes(settings.stage);

    // Several regions (infra/stacks.ts): the home region's stack owns the global table (a replica in
    // every other region) and the secret (replicated likewise); the others name them.
    const multi = settings.multiRegion;
    const home = !multi || multi.homeRegion === this.region;
    const tableName = multi ? `tollgate-${settings.stage}` : undefined;
    if (home) {
      this.table = new TableV2(this, 'Table', {
        tableName,
        partitionKey: { name: 'pk', type: AttributeType.STRING },
        sortKey: { name: 'sk', type: AttributeType.STRING },
        globalSecondaryIndexes: [{ indexName: 'by_entity', partitionKey: { name: 'entity', type: AttributeType.STRING }, sortKey: { name: 'created_at', type: AttributeType.STRING } }],
        timeToLiveAttribute: 'ttl',
        billing: Billing.onDemand(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryptionV2.awsManagedKey(),
        deletionProtection: production,
        removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        replicas: multi?.regions.filter((r) => r !== multi.homeRegion).map((region) => ({ region, deletionProtection: production })),
      });
    }
    // Every region reads and writes one replica (the table region): one place decides each conditional
    // write. The instances may use every replica, so moving the table region is a setting, not a grant.
    const replicaArn = (region: string) => this.formatArn({ service: 'dynamodb', region, resource: 'table', resourceName: tableName });
    const table = multi ? { name: tableName!, arns: multi.regions.map(replicaArn) } : { name: this.table!.tableName, arns: [this.table!.tableArn] };

    // Provider keys and the master key, as one JSON object read by `os.environ/NAME` in the config.
    // The master key is generated at deploy time; provider keys are added by the operator (README).
    this.secret = home
      ? new Secret(this, 'Secret', {
          secretName: settings.secretName,
          description: 'Tollgate: provider credentials and the master key, as JSON {"NAME": "value"}',
          generateSecretString: {
            secretStringTemplate: JSON.stringify({}),
            generateStringKey: 'TOLLGATE_MASTER_KEY',
            excludePunctuation: true,
            passwordLength: 48,
          },
          replicaRegions: multi?.regions.filter((r) => r !== multi.homeRegion).map((region) => ({ region })),
        })
      : Secret.fromSecretNameV2(this, 'Secret', settings.secretName);

    this.alerts = new Topic(this, 'BudgetAlerts', { displayName: 'Tollgate budget alerts', enforceSSL: true });
    if (settings.alertEmail) this.alerts.addSubscription(new EmailSubscription(settings.alertEmail));

    const environment: Record<string, string> = {
      TOLLGATE_TABLE: table.name,
      TOLLGATE_SECRET_ID: home ? this.secret.secretArn : settings.secretName,
      ...(multi && { TOLLGATE_TABLE_REGION: multi.tableRegion }),
      TOLLGATE_ALERT_TOPIC_ARN: this.alerts.topicArn,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      // No NODE_OPTIONS=--enable-source-maps: it costs up to 50 ms per cold start (docs/BENCHMARKS.md).
      // The bundle still ships its .map file, for decoding a stack trace by hand.
    };
    // Request path: single-item reads and conditional writes on the table; the response cache's batched
    // reads and writes of an embeddings request's inputs, and the semantic cache's Query of one
    // partition (docs/DATA-MODEL.md, "Response cache"); never scans.
    const requestPathTable = new PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:Query'],
      resources: table.arns,
    });
    // Admin: the same single-item operations plus deletes (batched for /cache/delete and /cache/flushall), and listings through the one index.
    const adminTable = new PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:Query'],
      resources: table.arns.flatMap((arn) => [arn, `${arn}/index/by_entity`]),
    });
    const bedrock = bedrockResourceArns(bedrockModels(config.document));
    this.bedrockArns = bedrock;
    const modelCalls: PolicyStatement[] = [];
    if (bedrock.length) {
      modelCalls.push(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
          resources: bedrock.map((arn) => this.resolveArn(arn)),
        }),
      );
    }
    // Bedrock Guardrails: ApplyGuardrail on exactly the guardrails the config names.
    const guardrails = bedrockGuardrailArns(config.document);
    if (guardrails.length) {
      modelCalls.push(new PolicyStatement({ effect: Effect.ALLOW, actions: ['bedrock:ApplyGuardrail'], resources: guardrails.map((arn) => this.resolveArn(arn)) }));
    }
    // key_management_settings.store_virtual_keys: rotated keys are written to secrets under the configured prefix.
    const storeKeys =
      config.storedVirtualKeys &&
      new PolicyStatement({
        actions: ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue'],
        resources: [`arn:${this.partition}:secretsmanager:${this.region}:${this.account}:secret:${config.storedVirtualKeys.prefix}*`],
      });
    // The `s3` callback's request logs: through Firehose to a bucket of the stack's, partitioned by day.
    const s3Logs = config.observability.exporters.s3 && config.observability.s3;
    const requestLogs = s3Logs ? new RequestLogs(this, 'RequestLogs', { path: s3Logs.path, retain: production, writers: [] }) : undefined;
    if (requestLogs) {
      environment['TOLLGATE_REQUEST_LOG_STREAM'] = requestLogs.deliveryStream.deliveryStreamName;
      new CfnOutput(this, 'RequestLogBucket', { value: requestLogs.bucket.bucketName, description: 'Request logs (the s3 callback), one folder per day' });
    }
    // A semantic cache's prompts: in an S3 Vectors index when the deployment says the embedding's dimensions, else in the table.
    const vectors = config.semanticCache && settings.semanticCacheDimensions ? new SemanticVectors(this, 'SemanticCache', { dimension: settings.semanticCacheDimensions }) : undefined;
    if (vectors) Object.assign(environment, vectors.environment);
    else if (config.semanticCache) {
      Annotations.of(this).addWarning(
        'The semantic cache\'s prompts are kept in the table (a bounded scan per lookup). For an Amazon S3 Vectors index, deploy with -c semanticCacheDimensions=<the embedding model\'s dimensions> (README "Semantic cache").',
      );
    }

    if (settings.mode === 'fargate') {
      // One process serves the model calls and the admin API, with both functions' rights.
      const service = new TollgateService(this, 'Fargate', {
        settings,
        environment: { ...environment, POWERTOOLS_SERVICE_NAME: 'tollgate-gateway' },
        statements: [requestPathTable, adminTable, ...modelCalls, ...(storeKeys ? [storeKeys] : []), ...(vectors ? [vectors.requestPath, vectors.admin] : [])],
        logRetention: retention(settings.logRetentionDays),
        retain: production,
      });
      this.service = service;
      const taskRole = service.service.taskDefinition.taskRole;
      this.secret.grantRead(taskRole);
      this.alerts.grantPublish(taskRole);
      requestLogs?.deliveryStream.grantPutRecords(taskRole);
      new Observability(this, 'Observability', { ...loadBalancerMetrics(service), namespace: METRICS_NAMESPACE, alarmTopic: this.alerts });
      new CfnOutput(this, 'BaseUrl', { value: `${service.url}/v1`, description: 'base_url for OpenAI clients' });
      new CfnOutput(this, 'AdminUrl', { value: `${service.url}/`, description: 'Key management API (/key/generate, ...) and the rest, on the same service' });
    } else {
      const { api, gateway, admin } = this.lambdaMode(settings, configJson, environment);
      this.api = api;
      this.gateway = gateway;
      this.admin = admin;
      admin.addToRolePolicy(adminTable);
      gateway.addToRolePolicy(requestPathTable);
      if (vectors) {
        gateway.addToRolePolicy(vectors.requestPath);
        admin.addToRolePolicy(vectors.admin);
      }
      for (const statement of modelCalls) gateway.addToRolePolicy(statement);
      // `background_health_checks`: the admin function checks every deployment on a schedule (EventBridge
      // allows whole minutes, at least one), and the results steer every gateway instance's routing. (The
      // Fargate mode's server runs them itself, every health_check_interval.)
      if (config.healthChecks.background) {
        for (const statement of modelCalls) admin.addToRolePolicy(statement);
        new Rule(this, 'HealthChecks', {
          description: 'Tollgate: background_health_checks (every health_check_interval)',
          schedule: Schedule.rate(Duration.minutes(Math.max(1, Math.ceil(config.healthChecks.intervalMs / 60_000)))),
          targets: [new LambdaFunction(admin, { retryAttempts: 0, event: scheduledJob('health-checks') })],
        });
      }
      // Keys with auto_rotate: the admin function rotates those due every hour (shared/keys/key-rotation.ts),
      // publishes each new key's id to the alert topic and, with store_virtual_keys, writes the key to its
      // secret under the configured prefix. (The Fargate mode's server looks for due keys every minute.)
      new Rule(this, 'KeyRotation', {
        description: 'Tollgate: rotate virtual keys whose auto_rotate time has come',
        schedule: Schedule.rate(Duration.hours(1)),
        targets: [new LambdaFunction(admin, { event: scheduledJob('key-rotation') })],
      });
      this.alerts.grantPublish(admin);
      if (storeKeys) admin.addToRolePolicy(storeKeys);
      this.secret.grantRead(admin);
      this.secret.grantRead(gateway);
      this.alerts.grantPublish(gateway);
      requestLogs?.deliveryStream.grantPutRecords(gateway);
      new Observability(this, 'Observability', { ...apiMetrics(api, [gateway, admin]), namespace: METRICS_NAMESPACE, alarmTopic: this.alerts });
      new CfnOutput(this, 'BaseUrl', { value: `${api.url}v1`, description: 'base_url for OpenAI clients' });
      new CfnOutput(this, 'AdminUrl', { value: api.url, description: 'Key management API (/key/generate, ...), master key only' });
    }

    if (multi) {
      new RegionalRecord(this, 'Dns', {
        settings: multi,
        domainName: settings.domainName!,
        home,
        target: this.service ? new LoadBalancerTarget(this.service.loadBalancer) : new ApiGatewayDomain(this.api!.domainName!),
        health: this.service
          ? { host: this.service.loadBalancer.loadBalancerDnsName, path: '/health/readiness' }
          : { host: `${this.api!.restApiId}.execute-api.${this.region}.${this.urlSuffix}`, path: `/${settings.stage}/health/readiness` },
      });
    }

    new CfnOutput(this, 'SecretName', { value: settings.secretName, description: 'Provider keys and the master key (JSON)' });
    new CfnOutput(this, 'AlertTopicArn', { value: this.alerts.topicArn, description: 'Budget alerts' });
    new CfnOutput(this, 'TableName', { value: table.name });
  }

  /** The Lambda mode: the streaming gateway function and the admin function behind a regional REST API. */
  private lambdaMode(settings: TollgateSettings, configJson: string, environment: Record<string, string>): { api: RestApi; gateway: CdkFunction; admin: CdkFunction } {
    const gateway = this.nodeFunction(
      'Gateway',
      'functions/gateway/handler.ts',
      configJson,
      settings,
      STREAM_TIMEOUT,
      {
        ...environment,
        POWERTOOLS_SERVICE_NAME: 'tollgate-gateway',
      },
      settings.reservedConcurrency,
    );
    const admin = this.nodeFunction(
      'Admin',
      'functions/admin/handler.ts',
      configJson,
      settings,
      ADMIN_TIMEOUT,
      {
        ...environment,
        POWERTOOLS_SERVICE_NAME: 'tollgate-admin',
      },
      undefined,
      // The web UI's files, built from ui/ beside the admin bundle only: the gateway's holds none of it.
      uiBundleCommands,
    );
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: retention(settings.logRetentionDays), removalPolicy: RemovalPolicy.DESTROY });
    const api = new RestApi(this, 'Api', {
      restApiName: `tollgate-${settings.stage}`,
      description: 'Tollgate: OpenAI-compatible LLM gateway',
      // EDGE (CDK's default) idles streams out after 30 s; REGIONAL allows 5 minutes between chunks.
      endpointTypes: [EndpointType.REGIONAL],
      // Uploads (audio to transcribe) reach the Lambda base64-encoded, bytes intact, rather than as text.
      // API Gateway takes request bodies up to 10 MB: a longer recording must be sent compressed or split.
      binaryMediaTypes: ['multipart/form-data', 'audio/*'],
      cloudWatchRole: true,
      deployOptions: {
        stageName: settings.stage,
        throttlingRateLimit: settings.throttleRate,
        throttlingBurstLimit: settings.throttleBurst,
        // Execution logs hold errors only and never request or response data (keys, prompts).
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        // The standard fields log the resource template (/{proxy+}), never the path or query string,
        // so a key sent in a path or query (GET /key/info?key=...) never reaches the access log.
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
      },
    });
    const streaming = new LambdaIntegration(gateway, { responseTransferMode: ResponseTransferMode.STREAM, timeout: STREAM_TIMEOUT });
    // Optionally, API Gateway checks the callers' Cognito tokens first (the function checks them again).
    const callers = callerAuthorizer(this, settings);
    for (const fn of callers ? [gateway, admin] : []) fn.addEnvironment('JWT_PUBLIC_KEY_URL', callers!.jwksUrl);
    api.root.addMethod('ANY', streaming, callers?.methods);
    api.root.addProxy({ defaultIntegration: streaming, defaultMethodOptions: callers?.methods, anyMethod: true });
    // More specific resources win over /{proxy+}: the admin paths go to the admin function.
    const adminIntegration = new LambdaIntegration(admin, { timeout: ADMIN_TIMEOUT });
    for (const prefix of ADMIN_PREFIXES) {
      const resource = api.root.addResource(prefix);
      resource.addMethod('ANY', adminIntegration);
      resource.addProxy({ defaultIntegration: adminIntegration, anyMethod: true });
    }
    // The UI's playground chat streams: the gateway function serves it, not the admin function, which answers whole. No caller
    // authorizer: its caller is the UI's session cookie, which the function checks.
    const playground = PLAYGROUND_PATH.split('/')
      .slice(2)
      .reduce((parent, part) => parent.getResource(part) ?? parent.addResource(part), api.root.getResource('ui')!);
    playground.addMethod('POST', streaming);

    if (settings.domainName && settings.certificateArn) {
      api.addDomainName('Domain', {
        domainName: settings.domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', settings.certificateArn),
        endpointType: EndpointType.REGIONAL,
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
    }

    return { api, gateway, admin };
  }

  private nodeFunction(
    id: string,
    entry: string,
    configJson: string,
    settings: TollgateSettings,
    timeout: Duration,
    environment: Record<string, string>,
    reservedConcurrency?: number,
    moreFiles: (outputDir: string) => string[] = () => [],
  ): CdkFunction {
    return new CdkFunction(this, id, {
      // Bundled by infra/lambda-bundle.ts (split into files beside index.mjs, the price table with them), with the config, the exporters and any more files beside it.
      code: lambdaCode(resolve(ROOT, entry), (output) => [`cp "${configJson}" "${output}/${DEPLOYED_CONFIG_FILE}"`, ...exportersBundleCommands(output), ...moreFiles(output)]),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: settings.architecture,
      memorySize: settings.memorySize,
      timeout,
      reservedConcurrentExecutions: reservedConcurrency,
      logGroup: new LogGroup(this, `${id}Logs`, { retention: retention(settings.logRetentionDays), removalPolicy: RemovalPolicy.DESTROY }),
      environment,
    });
  }

  /**
   * Two zones of the stack's region, resolved by CloudFormation at deploy time: CDK would otherwise look
   * them up in the account at synth (a context lookup), which `npm run synth` must not need.
   */
  override get availabilityZones(): string[] {
    return [Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs())];
  }

  /** Turns `${AWS::Partition}`-style placeholders into this stack's values. */
  private resolveArn(template: string): string {
    return template.replaceAll('${AWS::Partition}', this.partition).replaceAll('${AWS::Region}', this.region).replaceAll('${AWS::AccountId}', this.account);
  }
}

function retention(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays)
    .filter((v): v is number => typeof v === 'number')
    .sort((a, b) => a - b);
  const match = allowed.find((d) => d >= days);
  if (match === undefined) throw new Error(`logRetentionDays ${days} is longer than CloudWatch allows`);
  return match as RetentionDays;
}

/** A scheduled rule's event for the admin function: EventBridge's Scheduled Event shape, naming the job (functions/admin/handler.ts). */
function scheduledJob(job: 'key-rotation' | 'health-checks'): RuleTargetInput {
  return RuleTargetInput.fromObject({ 'detail-type': 'Scheduled Event', source: 'aws.events', job });
}

/**
 * A function's code asset: `entry` bundled at synth time on this machine (as NodejsFunction bundles, whose
 * single `--outfile` cannot split), then the shell commands `moreFiles` gives run to add files beside it.
 */
function lambdaCode(entry: string, moreFiles: (outputDir: string) => string[]): Code {
  return Code.fromAsset(ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: bundling is local (tryBundle answers true), as NodejsFunction's is when esbuild is installed.
      image: DockerImage.fromRegistry('dummy'),
      // CDK reuses a bundle made with the same options (it cannot see into tryBundle): naming the entry here tells the functions' bundles apart.
      environment: { ENTRY: relative(ROOT, entry) },
      local: {
        tryBundle(outputDir) {
          bundleLambda(entry, outputDir);
          for (const command of moreFiles(outputDir)) execSync(command, { stdio: 'inherit' });
          return true;
        },
      },
    },
  });
}
