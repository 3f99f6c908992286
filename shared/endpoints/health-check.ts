// GET /health (LiteLLM's): a real call to every deployment (or those of `?model=`), at once, each with
// its own timeout: a one-token chat, or for `model_info.mode: embedding` a one-line embedding. It
// answers in LiteLLM's shape, `{"healthy_endpoints", "unhealthy_endpoints", "healthy_count",
// "unhealthy_count"}`, each endpoint its public settings (shared/endpoints/model-info.ts), the
// unhealthy with the error. The calls cost money and are no client's, so nothing is charged or
// recorded; the route is for admins (shared/keys/roles.ts).
import type { Deployment } from '../config/types.ts';
import { asGatewayError, GatewayError } from '../core/errors.ts';
import type { RequestContext, Route } from '../core/types.ts';
import { attemptChat } from '../pipeline/chat-attempt.ts';
import { attemptEmbedding } from '../pipeline/embedding-attempt.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { publicParams } from './model-info.ts';

const PROMPT = 'test from Tollgate';

export function healthCheckEndpoint(deployments: Deployment[], providers: ProviderRegistry): Route[] {
  return [
    {
      method: 'GET',
      paths: ['/health'],
      auth: 'admin',
      async handle(request, ctx) {
        const model = request.query['model'];
        const checked = deployments.filter((d) => model === undefined || d.modelName === model);
        if (model !== undefined && !checked.length) {
          throw new GatewayError('invalid_request', `No model named "${model}". GET /v1/models lists them; leave out \`model\` to check every deployment.`, { param: 'model' });
        }
        const results = await Promise.all(checked.map(async (deployment) => ({ deployment, error: await failureOf(deployment, providers, ctx) })));
        const endpoint = (deployment: Deployment) => ({ ...publicParams(deployment), model_name: deployment.modelName, model_id: deployment.id });
        const healthy = results.filter((r) => r.error === undefined).map((r) => endpoint(r.deployment));
        const unhealthy = results.filter((r) => r.error !== undefined).map((r) => ({ ...endpoint(r.deployment), error: r.error }));
        return { body: JSON.stringify({ healthy_endpoints: healthy, unhealthy_endpoints: unhealthy, healthy_count: healthy.length, unhealthy_count: unhealthy.length }) };
      },
    },
  ];
}

/** What went wrong calling the deployment, or undefined when it answered. */
async function failureOf(deployment: Deployment, providers: ProviderRegistry, ctx: RequestContext): Promise<string | undefined> {
  const call = { signal: ctx.signal, timings: { start: Date.now() } };
  try {
    if (deployment.modelInfo['mode'] === 'embedding') {
      await attemptEmbedding({ model: deployment.modelName, input: [PROMPT] }, deployment, call, providers);
      return undefined;
    }
    // Not streamed: the whole answer comes back before the attempt returns.
    await attemptChat({ model: deployment.modelName, messages: [{ role: 'user', content: PROMPT }], max_tokens: 1 }, deployment, call, providers, true);
    return undefined;
  } catch (error) {
    return asGatewayError(error).message;
  }
}
