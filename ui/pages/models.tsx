// Models: each deployment (GET /model/info: provider, mode, prices, context window), its health on
// demand (GET /health?model=, real calls), and a link to try it in the playground.
import { useState } from 'preact/hooks';
import { get } from '../api.ts';
import { ErrorBox, Table, text, useAction, useLoad } from '../components.tsx';

export interface ModelInfo {
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info: Record<string, unknown>;
}

interface Health {
  healthy_endpoints: Array<{ model_id: string }>;
  unhealthy_endpoints: Array<{ model_id: string; error: string }>;
}

export function listModels(): Promise<ModelInfo[]> {
  return get<{ data: ModelInfo[] }>('/model/info').then((answer) => answer.data);
}

const perMillion = (value: unknown) => (typeof value === 'number' ? `$${(value * 1_000_000).toFixed(2)}` : '—');

export function ModelsPage({ go }: { go: (page: string, query?: string) => void }) {
  const models = useLoad(listModels);
  const [health, setHealth] = useState<Record<string, string>>({});
  const action = useAction();
  const check = (model: string) =>
    action.run(async () => {
      const answer = await get<Health>('/health', { model });
      const states: Record<string, string> = {};
      for (const endpoint of answer.healthy_endpoints) states[endpoint.model_id] = 'healthy';
      for (const endpoint of answer.unhealthy_endpoints) states[endpoint.model_id] = `unhealthy: ${endpoint.error}`;
      setHealth((before) => ({ ...before, ...states }));
    });
  return (
    <div>
      <h2>Models</h2>
      <ErrorBox error={action.error ?? models.error} />
      <Table
        rows={models.data}
        columns={[
          { title: 'Model', show: (model) => model.model_name },
          { title: 'Deployment', show: (model) => text(model.litellm_params['model']) },
          { title: 'Provider', show: (model) => text(model.model_info['litellm_provider'] ?? String(model.litellm_params['model']).split('/')[0]) },
          { title: 'Mode', show: (model) => text(model.model_info['mode']) },
          { title: 'Input / 1M', show: (model) => perMillion(model.model_info['input_cost_per_token']) },
          { title: 'Output / 1M', show: (model) => perMillion(model.model_info['output_cost_per_token']) },
          { title: 'Context', show: (model) => text(model.model_info['max_input_tokens'] ?? model.model_info['max_tokens']) },
          { title: 'Health', show: (model) => text(health[String(model.model_info['id'])]) },
          {
            title: '',
            show: (model) => (
              <span class="actions">
                <button type="button" onClick={() => check(model.model_name)}>
                  Check health
                </button>
                <button type="button" onClick={() => go('playground', model.model_name)}>
                  Try
                </button>
              </span>
            ),
          },
        ]}
      />
    </div>
  );
}
