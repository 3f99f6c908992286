// One Bedrock Runtime SDK client per (region, endpoint, credentials): clients are costly to build
// (credential chain, endpoint rules, HTTP/2 handler), so deployments that share them share one.
// The SDK itself is imported when a Bedrock deployment is first called: importing it takes tens of
// milliseconds, which a gateway without Bedrock deployments should not add to its cold start.
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { Deployment } from '../../config/types.ts';

/** `litellm_params` keys the Bedrock provider reads, as LiteLLM names them. */
export const BEDROCK_PARAMS = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_region_name', 'aws_bedrock_runtime_endpoint'] as const;

/** LiteLLM's fallback when neither the config nor the environment names a region. */
const DEFAULT_REGION = 'us-west-2';

export interface BedrockTarget {
  region: string;
  /** `api_base` (or `aws_bedrock_runtime_endpoint`); absent means the regional AWS endpoint. */
  endpoint?: string;
  /** Absent means the default AWS chain: environment, SSO/profile, the Lambda role. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export function bedrockTarget(deployment: Deployment): BedrockTarget {
  return targetOf(deployment.params, deployment.apiBase);
}

/** The target `litellm_params` name (a deployment's, or a Bedrock guardrail's), `apiBase` first. */
export function targetOf(params: Record<string, unknown>, apiBase: string | undefined): BedrockTarget {
  const param = (name: (typeof BEDROCK_PARAMS)[number]) => {
    const value = params[name];
    return typeof value === 'string' && value ? value : undefined;
  };
  const region = param('aws_region_name') ?? process.env['AWS_REGION_NAME'] ?? process.env['AWS_REGION'] ?? DEFAULT_REGION;
  const endpoint = apiBase ?? param('aws_bedrock_runtime_endpoint');
  const accessKeyId = param('aws_access_key_id');
  const secretAccessKey = param('aws_secret_access_key');
  const credentials = accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, sessionToken: param('aws_session_token') } : undefined;
  return { region, endpoint, credentials };
}

/** Where a target's requests go, for messages: the endpoint, else the regional default. */
export function targetUrl(target: BedrockTarget): string {
  return target.endpoint ?? `https://bedrock-runtime.${target.region}.amazonaws.com`;
}

/** Configured credentials, to mask out of anything a client sees. */
export function targetSecrets(target: BedrockTarget): string[] {
  return target.credentials ? [target.credentials.secretAccessKey, target.credentials.sessionToken ?? ''] : [];
}

export type BedrockSdk = typeof import('@aws-sdk/client-bedrock-runtime');
let sdk: Promise<BedrockSdk> | undefined;

/** The Bedrock Runtime SDK module (clients and commands), imported on first use. */
export function bedrockSdk(): Promise<BedrockSdk> {
  return (sdk ??= import('@aws-sdk/client-bedrock-runtime'));
}

const clients = new Map<string, BedrockRuntimeClient>();

/** The client `clients` holds for the target, made by `make` the first time (AWS SDK clients of any service). */
export function clientFor<C>(clients: Map<string, C>, target: BedrockTarget, make: () => C): C {
  const key = JSON.stringify([target.region, target.endpoint ?? '', target.credentials ?? null]);
  let client = clients.get(key);
  if (!client) {
    client = make();
    clients.set(key, client);
  }
  return client;
}

export async function bedrockClient(target: BedrockTarget): Promise<BedrockRuntimeClient> {
  const { BedrockRuntimeClient } = await bedrockSdk();
  return clientFor(
    clients,
    target,
    () =>
      new BedrockRuntimeClient({
        region: target.region,
        endpoint: target.endpoint,
        credentials: target.credentials,
        // The router retries and falls back; SDK retries would hide throttling from it and add latency.
        maxAttempts: 1,
        // The SDK's default (disableConcurrentStreams: true) opens a new HTTP/2 connection, with its TLS
        // handshake, for every call; with it off, calls share a pooled connection. ConverseStream still
        // gets a connection of its own per call: the SDK isolates every event-stream operation.
        requestHandler: { disableConcurrentStreams: false },
      }),
  );
}
