// Models: each deployment (GET /model/info: provider, mode, prices, context window, its last health
// check and whether it is cooling down), the routing strategy (GET /router/settings, the admins'), a
// health check on demand (GET /health?model=, real calls), and a link to try it in the playground.
import { get } from '../api.ts';
import { ErrorBox, Table, text, useAction, useLoad } from '../components.tsx';

export interface ModelInfo {
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info: Record<string, unknown>;
}

interface RouterSettings {
  current_values: { routing_strategy: string };
  routing_strategy_descriptions: Record<string, string>;
}

export function listModels(): Promise<ModelInfo[]> {
  return get<{ data: ModelInfo[] }>('/model/info').then((answer) => answer.data);
}

// Only the admins may read the router's settings; for anyone else the line is left out.
const loadRouting = () => get<RouterSettings>('/router/settings').catch(() => undefined);

/** The deployment's last health check, as /model/info records it: its state, when, and why it failed. */
function recordedHealth(info: Record<string, unknown>): string {
  const status = text(info['health_status']);
  const when = typeof info['health_checked_at'] === 'string' ? ` (${new Date(info['health_checked_at']).toLocaleTimeString()})` : '';
  const error = typeof info['health_error'] === 'string' ? `: ${info['health_error']}` : '';
  return `${status}${when}${error}`;
}

function cooldown(info: Record<string, unknown>): string {
  return typeof info['cooldown_until'] === 'string' ? `until ${new Date(info['cooldown_until']).toLocaleTimeString()}` : 'no';
}

const perMillion = (value: unknown) => (typeof value === 'number' ? `$${(value * 1_000_000).toFixed(2)}` : '—');

export function ModelsPage({ go }: { go: (page: string, query?: string) => void }) {
  const models = useLoad(listModels);
  const routing = useLoad(loadRouting);
  const action = useAction();
  // The check's results are recorded with each deployment (the UI always has the table), so the listing read again shows them.
  const check = (model: string) =>
    action.run(async () => {
      await get('/health', { model });
      models.reload();
    });
  const strategy = routing.data?.current_values.routing_strategy;
  return (
    <div>
      <h2>Models</h2>
      {strategy && (
        <p data-testid="routing-strategy">
          Routing strategy: <strong>{strategy}</strong> <span class="muted">{routing.data?.routing_strategy_descriptions[strategy]}</span>
        </p>
      )}
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
          { title: 'Health', show: (model) => recordedHealth(model.model_info) },
          { title: 'Cooling down', show: (model) => cooldown(model.model_info) },
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
