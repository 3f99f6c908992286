// One SageMaker Runtime SDK client per (region, endpoint, credentials), as for Bedrock
// (../bedrock/client.ts, whose `aws_*` params and api_base it reads the same way); the SDK is
// imported when a SageMaker deployment is first called, so no other gateway pays for it at cold start.
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { BedrockTarget } from '../bedrock/client.ts';

export type SageMakerSdk = typeof import('@aws-sdk/client-sagemaker-runtime');
let sdk: Promise<SageMakerSdk> | undefined;

export function sageMakerSdk(): Promise<SageMakerSdk> {
  return (sdk ??= import('@aws-sdk/client-sagemaker-runtime'));
}

const clients = new Map<string, SageMakerRuntimeClient>();

export async function sageMakerClient(target: BedrockTarget): Promise<SageMakerRuntimeClient> {
  const { SageMakerRuntimeClient } = await sageMakerSdk();
  const key = JSON.stringify([target.region, target.endpoint ?? '', target.credentials ?? null]);
  let client = clients.get(key);
  if (!client) {
    // The router retries and falls back; SDK retries would hide throttling from it.
    client = new SageMakerRuntimeClient({ region: target.region, endpoint: target.endpoint, credentials: target.credentials, maxAttempts: 1 });
    clients.set(key, client);
  }
  return client;
}

/** Where a target's requests go, for messages. */
export function sageMakerUrl(target: BedrockTarget): string {
  return target.endpoint ?? `https://runtime.sagemaker.${target.region}.amazonaws.com`;
}
