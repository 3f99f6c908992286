// AWS list prices the cost model (./model.ts) multiplies by, on-demand, US East (N. Virginia), each with
// the page it is listed on. Prices change: when one does, change it here and run `npm run cost:doc`.

/** When these prices were taken from the pages below. */
export const PRICES_AS_OF = '2026-12-05';
export const PRICE_REGION = 'us-east-1';

export interface Price {
  usd: number;
  /** What one `usd` buys. */
  per: string;
  page: string;
}

const price = (usd: number, per: string, page: string): Price => ({ usd, per, page });
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const FARGATE = 'https://aws.amazon.com/fargate/pricing/';
const ELB = 'https://aws.amazon.com/elasticloadbalancing/pricing/';

export const PRICES = {
  lambdaRequests: price(0.2, 'million requests', LAMBDA),
  /** Arm (Graviton), the stack's default architecture; first 7.5 billion GB-s a month. */
  lambdaArmGbSecond: price(0.0000133334, 'GB-second (arm64)', LAMBDA),
  lambdaX86GbSecond: price(0.0000166667, 'GB-second (x86_64)', LAMBDA),
  /** REST APIs, first 333 million requests a month (the only API type that streams responses). */
  apiGatewayRest: price(3.5, 'million requests (REST API)', 'https://aws.amazon.com/api-gateway/pricing/'),
  dynamoWrite: price(0.625, 'million write request units (on-demand)', 'https://aws.amazon.com/dynamodb/pricing/on-demand/'),
  dynamoRead: price(0.125, 'million read request units (on-demand)', 'https://aws.amazon.com/dynamodb/pricing/on-demand/'),
  /** A global table writes each change again in every other replica region. */
  dynamoReplicatedWrite: price(0.625, 'million replicated write request units (global tables)', 'https://aws.amazon.com/dynamodb/pricing/on-demand/'),
  logsIngestion: price(0.5, 'GB of logs ingested (Standard class)', 'https://aws.amazon.com/cloudwatch/pricing/'),
  fargateArmVcpuHour: price(0.03238, 'vCPU-hour (Linux/ARM)', FARGATE),
  fargateArmGbHour: price(0.00356, 'GB-hour (Linux/ARM)', FARGATE),
  albHour: price(0.0225, 'Application Load Balancer hour', ELB),
  albLcuHour: price(0.008, 'LCU-hour', ELB),
  publicIpv4Hour: price(0.005, 'public IPv4 address hour', 'https://aws.amazon.com/vpc/pricing/'),
  /** LiteLLM's database and Redis (see model.ts, `LITELLM_SETUP`): 2 vCPU / 8 GB class instances. */
  rdsPostgresM7gLargeMultiAz: price(0.336, 'hour, RDS for PostgreSQL db.m7g.large Multi-AZ', 'https://aws.amazon.com/rds/postgresql/pricing/'),
  elasticacheR7gLarge: price(0.219, 'node-hour, ElastiCache cache.r7g.large', 'https://aws.amazon.com/elasticache/pricing/'),
} satisfies Record<string, Price>;

/** 730 hours: the month AWS's price pages and calculator use. */
export const HOURS_PER_MONTH = 730;
