// The Fargate mode (`-c mode=fargate`): the local server `npm start` runs (local/server.ts, built into the
// image infra/fargate/Dockerfile) as an ECS service behind an internet-facing Application Load Balancer,
// over the stack's table, secret and alert topic. Tasks run in public subnets with public addresses and
// no NAT gateway (providers are on the internet; DynamoDB through a free gateway endpoint); only the ALB
// may reach them. The service scales on CPU and on requests per task, and ECS's stop (deregistration,
// then SIGTERM) lets streams in flight finish: the server drains on SIGTERM (local/server.ts).
import { relative, resolve } from 'node:path';
import { Annotations, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { ListenerCertificate } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { FlowLogDestination, FlowLogTrafficType, GatewayVpcEndpointAwsService, Peer, Port, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { Cluster, ContainerImage, ContainerInsights, CpuArchitecture, FargateService, FargateTaskDefinition, LogDrivers, OperatingSystemFamily } from 'aws-cdk-lib/aws-ecs';
import { ApplicationLoadBalancer, ApplicationProtocol, ListenerAction, SslPolicy, type ApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { TollgateSettings } from './settings.ts';

const ROOT = resolve(import.meta.dirname, '..');
const CONTAINER_PORT = 4000;
/** ECS waits at most 120 s between SIGTERM and SIGKILL on Fargate; the server drains for a little less. */
const STOP_TIMEOUT = Duration.seconds(120);
const DRAIN_SECONDS = 110;
/** Streams of long generations: the ALB closes a connection idle this long (API Gateway's regional limit too). */
const IDLE_TIMEOUT = Duration.minutes(5);

export interface TollgateServiceProps {
  settings: TollgateSettings;
  /** What the server reads: the table, the secret, the topic, the metrics namespace. */
  environment: Record<string, string>;
  /** Everything the task may do: the gateway's and the admin API's table access, Bedrock, the secret, the topic. */
  statements: PolicyStatement[];
  logRetention: RetentionDays;
  retain: boolean;
}

export class TollgateService extends Construct {
  readonly service: FargateService;
  readonly loadBalancer: ApplicationLoadBalancer;
  readonly targetGroup: ApplicationTargetGroup;
  /** Open to clients anywhere: the public endpoint. */
  readonly albSecurityGroup: SecurityGroup;
  /** `https://name` with a domain, else `http://` and the ALB's DNS name. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: TollgateServiceProps) {
    super(scope, id);
    const { settings } = props;
    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 }],
      gatewayEndpoints: { DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB } },
    });
    vpc.addFlowLog('FlowLogs', {
      destination: FlowLogDestination.toCloudWatchLogs(new LogGroup(this, 'FlowLogGroup', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY })),
      trafficType: FlowLogTrafficType.REJECT,
    });
    const cluster = new Cluster(this, 'Cluster', { vpc, containerInsightsV2: ContainerInsights.ENABLED });

    const task = new FargateTaskDefinition(this, 'Task', {
      cpu: settings.fargateCpu,
      memoryLimitMiB: settings.fargateMemory,
      runtimePlatform: { cpuArchitecture: CpuArchitecture.ARM64, operatingSystemFamily: OperatingSystemFamily.LINUX },
    });
    for (const statement of props.statements) task.addToTaskRolePolicy(statement);
    task.addContainer('Gateway', {
      image: ContainerImage.fromAsset(ROOT, {
        file: 'infra/fargate/Dockerfile',
        platform: Platform.LINUX_ARM64,
        buildArgs: { GATEWAY_CONFIG: configInContext(settings.configPath) },
        // The context is the repository with only what the Dockerfile copies: staging it at synth stays small.
        exclude: ['*', '!package.json', '!package-lock.json', '!shared', '!local', '!functions', '!infra/fargate/Dockerfile', `!${configInContext(settings.configPath)}`],
      }),
      environment: { ...props.environment, TOLLGATE_STORE: 'dynamodb', TOLLGATE_SHUTDOWN_GRACE_SECONDS: String(DRAIN_SECONDS) },
      logging: LogDrivers.awsLogs({ streamPrefix: 'gateway', logGroup: new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY }) }),
      portMappings: [{ containerPort: CONTAINER_PORT }],
      stopTimeout: STOP_TIMEOUT,
    });

    const albSecurityGroup = (this.albSecurityGroup = new SecurityGroup(this, 'AlbSecurityGroup', { vpc, description: 'Tollgate ALB: HTTPS (and HTTP) from anywhere' }));
    const taskSecurityGroup = new SecurityGroup(this, 'TaskSecurityGroup', { vpc, description: 'Tollgate tasks: the gateway port from the ALB only' });
    taskSecurityGroup.addIngressRule(albSecurityGroup, Port.tcp(CONTAINER_PORT), 'The ALB');
    this.service = new FargateService(this, 'Service', {
      cluster,
      taskDefinition: task,
      desiredCount: settings.minTasks,
      assignPublicIp: true,
      vpcSubnets: { subnetType: SubnetType.PUBLIC },
      securityGroups: [taskSecurityGroup],
      minHealthyPercent: 100,
      circuitBreaker: { rollback: true },
    });

    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    this.loadBalancer = new ApplicationLoadBalancer(this, 'Alb', { vpc, internetFacing: true, securityGroup: albSecurityGroup, idleTimeout: IDLE_TIMEOUT, dropInvalidHeaderFields: true });
    this.loadBalancer.logAccessLogs(accessLogs);
    const tls = settings.certificateArn !== undefined;
    if (tls) albSecurityGroup.addIngressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS clients');
    albSecurityGroup.addIngressRule(Peer.anyIpv4(), Port.tcp(80), tls ? 'Redirected to HTTPS' : 'HTTP clients');
    const listener = tls
      ? this.loadBalancer.addListener('Https', {
          port: 443,
          protocol: ApplicationProtocol.HTTPS,
          sslPolicy: SslPolicy.RECOMMENDED_TLS,
          certificates: [ListenerCertificate.fromArn(settings.certificateArn!)],
          open: false,
        })
      : this.loadBalancer.addListener('Http', { port: 80, protocol: ApplicationProtocol.HTTP, open: false });
    if (tls) this.loadBalancer.addListener('Redirect', { port: 80, open: false, defaultAction: ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }) });
    else
      Annotations.of(this).addWarning(
        'Fargate mode without certificateArn: the ALB listens on plain HTTP, so keys and prompts cross the internet unencrypted. Pass -c domainName=... -c certificateArn=...',
      );

    this.targetGroup = listener.addTargets('Gateway', {
      port: CONTAINER_PORT,
      protocol: ApplicationProtocol.HTTP,
      targets: [this.service],
      // An instance whose table does not answer is not ready (shared/endpoints/health.ts), as LiteLLM's.
      healthCheck: { path: '/health/readiness', healthyHttpCodes: '200', interval: Duration.seconds(15), healthyThresholdCount: 2 },
      // Streams in flight get this long on a task being stopped before ECS sends it SIGTERM.
      deregistrationDelay: STOP_TIMEOUT,
    });

    const scaling = this.service.autoScaleTaskCount({ minCapacity: settings.minTasks, maxCapacity: settings.maxTasks });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 50 });
    scaling.scaleOnRequestCount('Requests', { requestsPerTarget: settings.requestsPerTask, targetGroup: this.targetGroup });
    this.url = tls ? `https://${settings.domainName}` : `http://${this.loadBalancer.loadBalancerDnsName}`;
  }
}

/** The config's path inside the image's build context (the repository): it must be in the repository. */
function configInContext(configPath: string): string {
  const inside = relative(ROOT, resolve(ROOT, configPath));
  if (inside.startsWith('..') || resolve(inside) === inside) throw new Error(`Fargate mode builds the config into the image, so it must be inside the repository: ${configPath} is not`);
  return inside;
}
