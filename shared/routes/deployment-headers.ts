// The headers every model route answers with, as LiteLLM names them: which deployment answered and
// for which model group.
import type { RequestContext } from '../core/types.ts';

export function deploymentHeaders(ctx: RequestContext): Record<string, string> {
  const id = ctx.deployment?.id ?? '';
  return { 'x-tollgate-model-id': id, 'x-litellm-model-id': id, 'x-litellm-model-group': ctx.requestedModel ?? '' };
}
