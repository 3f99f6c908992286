// GET /model_group/info: LiteLLM's view of each model group the caller may call (the name clients send),
// what its deployments have in common: providers, context window, prices, mode and summed rate limits.
// `?model_group=` narrows it to one. Wildcard groups are listed by the names they serve, as /v1/models does.
import type { Deployment } from '../config/types.ts';
import type { Route } from '../core/types.ts';
import type { ModelAccess } from '../keys/model-access.ts';
import type { Pricer } from '../pricing/pricer.ts';

export function modelGroupInfoEndpoint(deployments: () => Deployment[], access: ModelAccess, pricer: Pricer): Route[] {
  return [
    {
      method: 'GET',
      paths: ['/model_group/info', '/v1/model_group/info'],
      auth: 'caller',
      async handle(request, ctx) {
        const wanted = request.query['model_group'];
        const allowed = new Set(access.allowed(ctx.identity));
        const groups = new Map<string, Deployment[]>();
        for (const deployment of deployments()) {
          if (!allowed.has(deployment.modelName) || (wanted !== undefined && deployment.modelName !== wanted)) continue;
          groups.set(deployment.modelName, [...(groups.get(deployment.modelName) ?? []), deployment]);
        }
        return { body: JSON.stringify({ data: [...groups].map(([name, group]) => groupInfo(name, group, pricer)) }) };
      },
    },
  ];
}

function groupInfo(name: string, group: Deployment[], pricer: Pricer) {
  const prices = group.map((deployment) => pricer.priceOf(deployment));
  const modes = new Set(group.map((deployment) => pricer.modeOf(deployment)));
  return {
    model_group: name,
    providers: [...new Set(group.map((deployment) => deployment.provider))],
    max_input_tokens: largest(group.map((deployment, i) => deployment.maxInputTokens ?? prices[i]?.max_input_tokens)),
    max_output_tokens: largest(prices.map((price) => price?.max_output_tokens)),
    input_cost_per_token: largest(prices.map((price) => price?.input_cost_per_token)),
    output_cost_per_token: largest(prices.map((price) => price?.output_cost_per_token)),
    mode: modes.size === 1 ? ([...modes][0] ?? null) : null,
    // A group's capacity is its deployments' together; unknown when any has none.
    tpm: total(group.map((deployment) => deployment.tpm)),
    rpm: total(group.map((deployment) => deployment.rpm)),
    supports_reasoning: prices.some((price) => price?.supports_reasoning === true),
  };
}

function largest(values: Array<number | undefined>): number | null {
  const known = values.filter((value) => value !== undefined);
  return known.length ? Math.max(...known) : null;
}

function total(values: Array<number | undefined>): number | null {
  return values.every((value) => value !== undefined) ? values.reduce((sum, value) => sum + value, 0) : null;
}
