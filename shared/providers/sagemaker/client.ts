// One SageMaker Runtime SDK client per (region, endpoint, credentials), as for Bedrock
// (../bedrock/client.ts, whose `aws_*` params and api_base it reads the same way); the SDK is
// imported when a SageMaker deployment is first called, so no other gateway pays for it at cold start.
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { clientFor, type BedrockTarget } from '../bedrock/client.ts';

export type SageMakerSdk = typeof import('@aws-sdk/client-sagemaker-runtime');
let sdk: Promise<SageMakerSdk> | undefined;

export function sageMakerSdk(): Promise<SageMakerSdk> {
  return (sdk ??= import('@aws-sdk/client-sagemaker-runtime'));
}

const clients = new Map<string, SageMakerRuntimeClient>();

export async function sageMakerClient(target: BedrockTarget): Promise<SageMakerRuntimeClient> {
  const { SageMakerRuntimeClient } = await sageMakerSdk();
  // The router retries and falls back; SDK retries would hide throttling from it.
  return clientFor(clients, target, () => new SageMakerRuntimeClient({ region: target.region, endpoint: target.endpoint, credentials: target.credentials, maxAttempts: 1 }));
}

/** Where a target's requests go, for messages. */
export function sageMakerUrl(target: BedrockTarget): string {
  return target.endpoint ?? `https://runtime.sagemaker.${target.region}.amazonaws.com`;
}
