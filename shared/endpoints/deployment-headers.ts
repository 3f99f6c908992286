// The headers every model route answers with, as LiteLLM names them: which deployment answered and
// for which model group.
import type { RequestContext } from '../core/types.ts';

export function deploymentHeaders(ctx: RequestContext): Record<string, string> {
  const id = headerSafe(ctx.deployment?.id ?? '');
  return { 'x-tollgate-model-id': id, 'x-litellm-model-id': id, 'x-litellm-model-group': headerSafe(ctx.requestedModel ?? '') };
}

/** Config names may be any Unicode; header values may not (Node refuses them), so those characters go percent-encoded. */
function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]/gu, (char) => encodeURIComponent(char));
}
