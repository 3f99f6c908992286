// What the Bedrock SDK (and SageMaker Runtime's) throws → the gateway's error vocabulary. Bedrock's exceptions (answered as a
// status, or arriving mid-stream after a 200) get the status that classifies them as LiteLLM does,
// and go through upstream-errors.ts like every provider's; anything else is transport trouble.
import type { BedrockRuntimeServiceException } from '@aws-sdk/client-bedrock-runtime';
import { GatewayError } from '../../core/errors.ts';
import { connectionError } from '../../http/upstream.ts';
import { upstreamError } from '../upstream-errors.ts';

export const PROVIDER_NAME = 'bedrock';

/**
 * The status each exception stands for. Bedrock's own statuses differ where LiteLLM users expect
 * otherwise: AccessDenied (403 from AWS) means the provider credential was refused (401);
 * ModelNotReady (429) means the model is not there yet (503); InternalServer (500) is a 502.
 */
const STATUS_BY_EXCEPTION: Record<string, number> = {
  ValidationException: 400,
  ConflictException: 400,
  AccessDeniedException: 401,
  UnrecognizedClientException: 401,
  InvalidSignatureException: 401,
  ExpiredTokenException: 401,
  ResourceNotFoundException: 404,
  ModelTimeoutException: 408,
  ThrottlingException: 429,
  ServiceQuotaExceededException: 429,
  InternalServerException: 502,
  ModelErrorException: 502,
  ModelStreamErrorException: 502,
  ServiceUnavailableException: 503,
  ModelNotReadyException: 503,
  // SageMaker Runtime's (../sagemaker/): a container's own failure is the upstream's, not the client's.
  ValidationError: 400,
  ModelError: 502,
  InternalFailure: 502,
  InternalStreamFailure: 502,
  ModelStreamError: 502,
  ServiceUnavailable: 503,
};

export interface FailureContext {
  /** Where the request went, for connection messages. */
  url: string;
  /** The request's own signal: aborted means the client left. */
  signal: AbortSignal;
  /** Aborted when the gateway's timeout ran out. */
  deadline: AbortSignal;
  /** Configured credentials, masked out of messages. */
  secrets: string[];
  /** Who answered, for messages: `bedrock` unless said (SageMaker's providers share this mapping). */
  provider?: string;
}

export function bedrockError(error: unknown, context: FailureContext): GatewayError {
  if (error instanceof GatewayError) return error;
  if (isServiceException(error)) {
    const status = STATUS_BY_EXCEPTION[error.name] ?? error.$metadata?.httpStatusCode ?? (error.$fault === 'server' ? 500 : 400);
    return upstreamError({ provider: context.provider ?? PROVIDER_NAME, status, message: `${error.name}: ${error.message}`, code: error.name, secrets: context.secrets });
  }
  // Timeouts, client aborts, refused connections: the same judgement as for HTTP upstreams. The
  // SDK's own HTTP/2 timeout (a session silent for five minutes) counts as the deadline passing.
  const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError' || context.deadline.aborted;
  return connectionError(error, { url: context.url, signal: context.signal }, timedOut);
}

/**
 * An exception from Bedrock, answered as a status or arriving mid-stream (those carry no `$metadata`),
 * recognized by its `$fault` as the SDK's own ServiceException.isInstance does: `instanceof` would need
 * the SDK's classes, which this module does not load (client.ts imports the SDK on first use).
 */
function isServiceException(error: unknown): error is BedrockRuntimeServiceException {
  const fault = (error as { $fault?: unknown } | null | undefined)?.$fault;
  return error instanceof Error && (fault === 'client' || fault === 'server');
}
