// One health check call to a deployment (LiteLLM's `ahealth_check`): a one-token chat, or for
// `model_info.mode: embedding` a one-line embedding. The calls cost money and are no client's, so
// nothing is charged or recorded. Used by GET /health and the scheduled health check.
import type { Deployment } from '../config/types.ts';
import { asGatewayError, type GatewayError } from '../core/errors.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { attemptChat } from './chat-attempt.ts';
import { attemptEmbedding } from './embedding-attempt.ts';

const PROMPT = 'test from Tollgate';

/** What went wrong calling the deployment, or undefined when it answered. */
export async function probeDeployment(deployment: Deployment, providers: ProviderRegistry, signal: AbortSignal): Promise<GatewayError | undefined> {
  const call = { signal, timings: { start: Date.now() } };
  try {
    if (deployment.modelInfo['mode'] === 'embedding') {
      await attemptEmbedding({ model: deployment.modelName, input: [PROMPT] }, deployment, call, providers);
      return undefined;
    }
    // Not streamed: the whole answer comes back before the attempt returns.
    await attemptChat({ model: deployment.modelName, messages: [{ role: 'user', content: PROMPT }], max_tokens: 1 }, deployment, call, providers, true);
    return undefined;
  } catch (error) {
    return asGatewayError(error);
  }
}
