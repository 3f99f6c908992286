// LiteLLM's Prometheus metrics (litellm/integrations/prometheus.py), same names, labels and latency
// buckets, counted from each call's log and served by GET /metrics. Counters carry the `_total`
// suffix Python's prometheus_client adds, so the series a LiteLLM dashboard queries exist here under
// the same names. Loaded (./exporters.ts) only when the `prometheus` callback is configured.
import * as PromClient from 'prom-client';
import type { CallLog } from './call-log.ts';

/** LiteLLM's LATENCY_BUCKETS, seconds. */
const LATENCY_BUCKETS = [0.005, 0.00625, 0.0125, 0.025, 0.05, 0.1, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10, 15, 20, 25, 30, 60, 120, 180, 240, 300];

/** The model label of requests for a name the config does not serve: a made-up name must not add a series. */
const NOT_SERVED = '(not served)';

const KEY_TEAM = ['hashed_api_key', 'api_key_alias', 'team', 'team_alias'] as const;
const CALLER = ['end_user', ...KEY_TEAM, 'user'] as const;
const DEPLOYMENT = ['litellm_model_name', 'model_id', 'api_base', 'api_provider'] as const;
const EXCEPTION = ['exception_status', 'exception_class'] as const;
const FALLBACK = ['requested_model', 'fallback_model', ...KEY_TEAM, ...EXCEPTION] as const;

type Labels = Record<string, string | undefined>;

/** LiteLLM's metrics, registered in a registry of their own. */
export async function prometheusMetrics(servedModels: ReadonlySet<string>): Promise<PrometheusMetrics> {
  const registry = new PromClient.Registry();
  return new PrometheusMetrics(registry, defineMetrics(registry), servedModels);
}

function defineMetrics(registry: PromClient.Registry) {
  const counter = (name: string, help: string, labelNames: readonly string[]) => new PromClient.Counter({ name, help, labelNames, registers: [registry] });
  const gauge = (name: string, help: string, labelNames: readonly string[]) => new PromClient.Gauge({ name, help, labelNames, registers: [registry] });
  const histogram = (name: string, help: string, labelNames: readonly string[]) => new PromClient.Histogram({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers: [registry] });
  return {
    proxyTotal: counter('litellm_proxy_total_requests_metric_total', 'Total number of requests made to the proxy server', [...CALLER, 'requested_model', 'status_code']),
    proxyFailed: counter('litellm_proxy_failed_requests_metric_total', 'Total number of failed responses from proxy', [...CALLER, 'requested_model', ...EXCEPTION]),
    requests: counter('litellm_requests_metric_total', 'Total number of LLM calls, per API key, team, user', [...CALLER, 'model']),
    spend: counter('litellm_spend_metric_total', 'Total spend on LLM requests', [...CALLER, 'model']),
    totalTokens: counter('litellm_total_tokens_total', 'Total number of input + output tokens from LLM requests', [...CALLER, 'model', 'requested_model']),
    inputTokens: counter('litellm_input_tokens_total', 'Total number of input tokens from LLM requests', [...CALLER, 'model', 'requested_model']),
    outputTokens: counter('litellm_output_tokens_total', 'Total number of output tokens from LLM requests', [...CALLER, 'model', 'requested_model']),
    totalLatency: histogram('litellm_request_total_latency_metric', 'Total latency (seconds) for a request to the proxy', [...CALLER, 'requested_model', 'model']),
    apiLatency: histogram('litellm_llm_api_latency_metric', "Total latency (seconds) for a model's LLM API call", [...CALLER, 'requested_model', 'model']),
    timeToFirstToken: histogram('litellm_llm_api_time_to_first_token_metric', "Time to first token for a model's LLM API call (streams)", ['model', ...KEY_TEAM]),
    overhead: histogram('litellm_overhead_latency_metric', 'Latency overhead (seconds) added by the gateway before the LLM API call', [...CALLER, 'requested_model', 'model']),
    perOutputToken: histogram('litellm_deployment_latency_per_output_token', 'Latency per output token (seconds)', [...DEPLOYMENT, ...KEY_TEAM]),
    deploymentSuccess: counter('litellm_deployment_success_responses_total', 'Successful LLM API calls per deployment', ['requested_model', ...DEPLOYMENT, ...KEY_TEAM]),
    deploymentFailure: counter('litellm_deployment_failure_responses_total', 'Failed LLM API calls per deployment', ['requested_model', ...DEPLOYMENT, ...KEY_TEAM, ...EXCEPTION]),
    deploymentTotal: counter('litellm_deployment_total_requests_total', 'LLM API calls per deployment, success + failure', ['requested_model', ...DEPLOYMENT, ...KEY_TEAM]),
    deploymentState: gauge('litellm_deployment_state', 'The state of the deployment: 0 = healthy, 1 = partial outage (its last call failed)', [...DEPLOYMENT]),
    successfulFallbacks: counter('litellm_deployment_successful_fallbacks_total', 'Successful fallback requests from primary model -> fallback model', FALLBACK),
    failedFallbacks: counter('litellm_deployment_failed_fallbacks_total', 'Failed fallback requests from primary model -> fallback model', FALLBACK),
    remainingTeamBudget: gauge('litellm_remaining_team_budget_metric', 'Remaining budget for team', ['team', 'team_alias']),
    teamMaxBudget: gauge('litellm_team_max_budget_metric', 'Maximum budget set for team', ['team', 'team_alias']),
    remainingKeyBudget: gauge('litellm_remaining_api_key_budget_metric', 'Remaining budget for api key', ['hashed_api_key', 'api_key_alias']),
    keyMaxBudget: gauge('litellm_api_key_max_budget_metric', 'Maximum budget set for api key', ['hashed_api_key', 'api_key_alias']),
  };
}

export class PrometheusMetrics {
  constructor(
    private readonly registry: PromClient.Registry,
    private readonly m: ReturnType<typeof defineMetrics>,
    private readonly servedModels: ReadonlySet<string>,
  ) {}

  get contentType(): string {
    return this.registry.contentType;
  }

  record(call: CallLog): void {
    const { ledger, timings } = call;
    const requested = this.servedModels.has(call.requestedModel) ? call.requestedModel : NOT_SERVED;
    const caller: Labels = {
      hashed_api_key: keyLabel(ledger.api_key),
      api_key_alias: ledger.key_alias ?? undefined,
      team: ledger.team_id ?? undefined,
      team_alias: call.caller.teamAlias,
      user: ledger.user ?? undefined,
    };
    const model = ledger.model ?? undefined;
    const exception: Labels = call.error ? { exception_status: String(call.error.status), exception_class: call.error.type } : {};

    this.m.proxyTotal.inc(defined({ ...caller, requested_model: requested, status_code: String(call.status) }));
    if (!call.ok) this.m.proxyFailed.inc(defined({ ...caller, requested_model: requested, ...exception }));
    for (const attempt of call.attempts) this.recordAttempt(call, attempt, caller, requested);
    this.recordFallback(call, caller, requested, exception);
    this.recordBudgets(call, caller);
    if (!call.ok && ledger.total_tokens === 0) return;

    const withModel = defined({ ...caller, model });
    const withBoth = defined({ ...caller, model, requested_model: requested });
    this.m.requests.inc(withModel);
    this.m.spend.inc(withModel, ledger.spend);
    this.m.totalTokens.inc(withBoth, ledger.total_tokens);
    this.m.inputTokens.inc(withBoth, ledger.prompt_tokens);
    this.m.outputTokens.inc(withBoth, ledger.completion_tokens);
    this.m.totalLatency.observe(withBoth, (timings.end - timings.start) / 1000);
    if (timings.upstreamStart !== undefined) {
      this.m.apiLatency.observe(withBoth, (timings.end - timings.upstreamStart) / 1000);
      this.m.overhead.observe(withBoth, (timings.upstreamStart - timings.start) / 1000);
      if (call.stream && timings.firstByte !== undefined) {
        this.m.timeToFirstToken.observe(defined({ model, ...keyTeam(caller) }), (timings.firstByte - timings.upstreamStart) / 1000);
      }
      if (ledger.completion_tokens > 0) {
        this.m.perOutputToken.observe(defined({ ...this.deploymentLabels(call, ledger.model_id), ...keyTeam(caller) }), (timings.end - timings.upstreamStart) / 1000 / ledger.completion_tokens);
      }
    }
  }

  /** The exposition text (Prometheus text format 0.0.4). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  private recordAttempt(call: CallLog, attempt: CallLog['attempts'][number], caller: Labels, requested: string): void {
    const deployment: Labels = { litellm_model_name: attempt.model, model_id: attempt.deploymentId, api_base: call.apiBase, api_provider: attempt.provider };
    const labels = defined({ requested_model: requested, ...deployment, ...keyTeam(caller) });
    this.m.deploymentTotal.inc(labels);
    if (attempt.error) {
      this.m.deploymentFailure.inc({ ...labels, exception_status: String(attempt.error.status), exception_class: attempt.error.kind });
      this.m.deploymentState.set(defined(deployment), 1);
    } else {
      this.m.deploymentSuccess.inc(labels);
      this.m.deploymentState.set(defined(deployment), 0);
    }
  }

  /** A request that moved to another model group: a fallback that worked, or one that failed too. */
  private recordFallback(call: CallLog, caller: Labels, requested: string, exception: Labels): void {
    if (call.fallbacks === 0) return;
    const last = call.attempts.at(-1);
    const firstError = call.attempts.find((attempt) => attempt.error)?.error;
    const labels = defined({
      requested_model: requested,
      fallback_model: last?.modelGroup,
      ...keyTeam(caller),
      exception_status: firstError ? String(firstError.status) : exception['exception_status'],
      exception_class: firstError?.kind ?? exception['exception_class'],
    });
    (call.ok ? this.m.successfulFallbacks : this.m.failedFallbacks).inc(labels);
  }

  private recordBudgets(call: CallLog, caller: Labels): void {
    const { keyBudget, teamBudget } = call.caller;
    if (keyBudget) {
      const labels = defined({ hashed_api_key: caller['hashed_api_key'], api_key_alias: caller['api_key_alias'] });
      this.m.keyMaxBudget.set(labels, keyBudget.max);
      this.m.remainingKeyBudget.set(labels, keyBudget.max - keyBudget.spent);
    }
    if (teamBudget) {
      const labels = defined({ team: caller['team'], team_alias: caller['team_alias'] });
      this.m.teamMaxBudget.set(labels, teamBudget.max);
      this.m.remainingTeamBudget.set(labels, teamBudget.max - teamBudget.spent);
    }
  }

  private deploymentLabels(call: CallLog, modelId: string | null): Labels {
    const last = call.attempts.at(-1);
    return { litellm_model_name: last?.model, model_id: modelId ?? undefined, api_base: call.apiBase, api_provider: last?.provider };
  }
}

/** The ledger names the master key `master`; LiteLLM's label holds a key hash or nothing. */
function keyLabel(apiKey: string | null): string | undefined {
  return apiKey && apiKey !== 'master' ? apiKey : undefined;
}

function keyTeam(caller: Labels): Labels {
  return { hashed_api_key: caller['hashed_api_key'], api_key_alias: caller['api_key_alias'], team: caller['team'], team_alias: caller['team_alias'] };
}

/** Labels without a value are left out (prom-client would print `undefined`). */
function defined(labels: Labels): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}
