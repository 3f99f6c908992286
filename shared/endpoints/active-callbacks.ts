// GET /active/callbacks (also /settings): LiteLLM's view of what acts on every model call, for an admin
// checking the proxy is set up as meant. LiteLLM lists its callback objects; Tollgate lists, under the
// same keys, the steps that act on each call here: the logging callbacks of the config (by the outcomes
// each is told about), the response cache, the guardrails, and with a table spend tracking and limits.
import type { GatewayConfig } from '../config/types.ts';
import type { Route } from '../core/types.ts';

export function activeCallbacksEndpoint(config: GatewayConfig, hasStore: boolean): Route[] {
  const exporters = Object.entries(config.observability.exporters);
  const success = exporters.filter(([, outcomes]) => outcomes?.success).map(([name]) => name);
  const failure = exporters.filter(([, outcomes]) => outcomes?.failure).map(([name]) => name);
  // What runs on every call whatever the logging callbacks: LiteLLM lists its own as callbacks too.
  const builtIn = [...(hasStore ? ['spend_tracking', 'rate_limits'] : []), ...(config.cache ? ['cache'] : []), ...config.guardrails.map((guardrail) => guardrail.guardrail_name)];
  const alerting = config.spend.alertWebhookUrl ? ['webhook'] : [];
  const all = [...new Set([...builtIn, ...success, ...failure])];
  const body = JSON.stringify({
    alerting,
    'litellm.callbacks': builtIn,
    'litellm.input_callback': [],
    'litellm.failure_callback': failure,
    'litellm.success_callback': success,
    'litellm._async_success_callback': success,
    'litellm._async_failure_callback': failure,
    'litellm._async_input_callback': [],
    all_litellm_callbacks: all,
    num_callbacks: all.length,
    num_alerting: alerting.length,
  });
  return [{ method: 'GET', paths: ['/active/callbacks', '/settings'], auth: 'admin', group: 'info', handle: async () => ({ body }) }];
}
