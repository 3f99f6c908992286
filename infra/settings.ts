// What a deployment can choose, from CDK context (`-c name=value` or cdk.json), with defaults and checks.
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import type { Node } from 'constructs';
import { defaultLambdaMemoryMb, FARGATE_TASK } from './cost/model.ts';

/** Where the gateway runs: Lambda behind API Gateway (scale to zero), or the local server on Fargate behind an ALB (steady volume). */
export type DeploymentMode = 'lambda' | 'fargate';

export interface TollgateSettings {
  mode: DeploymentMode;
  /** One region's stack: its region (`-c region`); unset, the Lambda mode's template fits any region. */
  region?: string;
  /** The gateway config bundled with the functions. */
  configPath: string;
  /** API Gateway stage, also part of resource names: `dev`, `prod`, ... */
  stage: string;
  /** Secrets Manager secret holding provider keys and the master key as JSON. */
  secretName: string;
  /** An address that gets budget alerts by e-mail (SNS subscription); none when unset. */
  alertEmail?: string;
  logRetentionDays: number;
  /** Lambda memory in MB; default: the cost model's choice (docs/COST.md, "Lambda memory"). */
  memorySize: number;
  architecture: Architecture;
  /** Reserved concurrency of the gateway function; unreserved when unset. */
  reservedConcurrency?: number;
  /** API-wide throttling: steady requests per second and burst. */
  throttleRate: number;
  throttleBurst: number;
  /** Custom domain (both or neither): the name and an ACM certificate ARN in the stack's region. */
  domainName?: string;
  certificateArn?: string;
  /** Fargate mode: task size (CPU units, 1024 = 1 vCPU; memory MiB) and the autoscaling range. */
  fargateCpu: number;
  fargateMemory: number;
  minTasks: number;
  maxTasks: number;
  /** Fargate mode: ALB requests per task per minute that autoscaling aims at (besides 50% CPU). */
  requestsPerTask: number;
  /** A Cognito user pool whose tokens API Gateway checks before the model routes (infra/caller-authorizer.ts); none when unset. */
  callerUserPoolArn?: string;
  /** With it: the OAuth scopes an access token must have (else ID tokens are taken). */
  callerScopes?: string[];
  /** Two or more regions: a stack in each, one global table, Route 53 in front (infra/multi-region.ts). */
  multiRegion?: MultiRegionSettings;
  /** The semantic cache's embedding dimensions: with a semantic cache, its prompts go to an S3 Vectors index of them (infra/semantic-vectors.ts). */
  semanticCacheDimensions?: number;
}

export interface MultiRegionSettings {
  /** Every region with a stack; the first is the home region unless `homeRegion` names another. */
  regions: string[];
  /** The region whose stack owns the global table and the secret (the others hold replicas). */
  homeRegion: string;
  /**
   * Where every instance reads and writes the table, so each budget's conditional writes are decided in
   * one place (docs/MULTI-REGION.md); the home region unless a runbook step moved it.
   */
  tableRegion: string;
  routing: 'latency' | 'failover';
  /** The Route 53 hosted zone of `domainName`, given, never looked up. */
  hostedZoneId: string;
  zoneName: string;
  /** An ACM certificate for `domainName` in each region, in the order of `regions`. */
  certificateArns: string[];
}

/** Stages whose data must survive a `cdk destroy`: tables are retained and deletion-protected. */
export const PRODUCTION_STAGES = ['prod', 'production'];

export function readSettings(node: Node): TollgateSettings {
  const text = (name: string) => {
    const value = node.tryGetContext(name);
    return value === undefined || value === '' ? undefined : String(value);
  };
  const number = (name: string, fallback?: number) => {
    const value = text(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`context ${name} must be a positive number, not "${value}"`);
    return parsed;
  };
  const stage = text('stage') ?? 'dev';
  if (!/^[a-z][a-z0-9-]{0,20}$/.test(stage)) throw new Error(`context stage must be lower-case letters, digits and dashes, not "${stage}"`);
  const architecture = text('architecture') ?? 'arm64';
  if (architecture !== 'arm64' && architecture !== 'x86_64') throw new Error(`context architecture must be arm64 or x86_64, not "${architecture}"`);
  const mode = text('mode') ?? 'lambda';
  if (mode !== 'lambda' && mode !== 'fargate') throw new Error(`context mode must be lambda or fargate, not "${mode}"`);
  const domainName = text('domainName');
  const certificateArn = text('certificateArn');
  if (Boolean(domainName) !== Boolean(certificateArn) && !text('regions')?.includes(',')) throw new Error('context domainName and certificateArn go together');
  const multiRegion = readMultiRegion(text, domainName);
  const minTasks = number('minTasks', FARGATE_TASK.minTasks)!;
  const maxTasks = number('maxTasks', 10)!;
  if (maxTasks < minTasks) throw new Error(`context maxTasks (${maxTasks}) must be at least minTasks (${minTasks})`);
  const callerUserPoolArn = text('callerUserPoolArn');
  if (callerUserPoolArn && !/^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/[\w-]+$/.test(callerUserPoolArn)) {
    throw new Error(`context callerUserPoolArn must be a Cognito user pool ARN (arn:aws:cognito-idp:<region>:<account>:userpool/<id>), not "${callerUserPoolArn}"`);
  }
  const region = text('region');
  if (region !== undefined && !REGION.test(region)) throw new Error(`context region must be an AWS region name, not "${region}"`);
  const semanticCacheDimensions = number('semanticCacheDimensions');
  if (semanticCacheDimensions !== undefined && !(Number.isInteger(semanticCacheDimensions) && semanticCacheDimensions <= 4096)) {
    throw new Error(`context semanticCacheDimensions must be the embedding model's dimensions, a whole number from 1 to 4096 (S3 Vectors' range), not ${semanticCacheDimensions}`);
  }
  return {
    mode,
    region,
    configPath: text('config') ?? 'deploy.config.yaml',
    stage,
    secretName: text('secretName') ?? `tollgate/${stage}`,
    alertEmail: text('alertEmail'),
    logRetentionDays: number('logRetentionDays', 30)!,
    memorySize: number('memorySize', defaultLambdaMemoryMb())!,
    architecture: architecture === 'arm64' ? Architecture.ARM_64 : Architecture.X86_64,
    reservedConcurrency: number('reservedConcurrency'),
    throttleRate: number('throttleRate', 100)!,
    throttleBurst: number('throttleBurst', 200)!,
    domainName,
    certificateArn,
    fargateCpu: number('fargateCpu', FARGATE_TASK.vcpu * 1024)!,
    fargateMemory: number('fargateMemory', FARGATE_TASK.memoryGb * 1024)!,
    minTasks,
    maxTasks,
    requestsPerTask: number('requestsPerTask', 6000)!,
    callerUserPoolArn,
    callerScopes: text('callerScopes')
      ?.split(',')
      .map((scope) => scope.trim())
      .filter(Boolean),
    multiRegion,
    semanticCacheDimensions,
  };
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

function readMultiRegion(text: (name: string) => string | undefined, domainName: string | undefined): MultiRegionSettings | undefined {
  const list = (name: string) =>
    (text(name) ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  const regions = list('regions');
  if (regions.length < 2) return undefined;
  for (const region of regions) if (!REGION.test(region)) throw new Error(`context regions must be AWS region names, not "${region}"`);
  if (new Set(regions).size !== regions.length) throw new Error('context regions names a region twice');
  const homeRegion = text('homeRegion') ?? regions[0]!;
  if (!regions.includes(homeRegion)) throw new Error(`context homeRegion ${homeRegion} must be one of regions (${regions.join(', ')})`);
  const tableRegion = text('tableRegion') ?? homeRegion;
  if (!regions.includes(tableRegion)) throw new Error(`context tableRegion ${tableRegion} must be one of regions (${regions.join(', ')})`);
  const routing = text('routing') ?? 'latency';
  if (routing !== 'latency' && routing !== 'failover') throw new Error(`context routing must be latency or failover, not "${routing}"`);
  if (routing === 'failover' && regions.length !== 2) throw new Error('failover routing takes exactly two regions: the home region (primary) and one other (secondary)');
  const hostedZoneId = text('hostedZoneId');
  const zoneName = text('zoneName');
  const certificateArns = list('certificateArns');
  if (!domainName || !hostedZoneId || !zoneName) throw new Error('several regions need domainName, hostedZoneId and zoneName: Route 53 routes that name between them');
  if (certificateArns.length !== regions.length) throw new Error(`context certificateArns must list one ACM certificate for ${domainName} per region, in the order of regions`);
  return { regions, homeRegion, tableRegion, routing, hostedZoneId, zoneName, certificateArns };
}
