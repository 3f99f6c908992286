// The exports LiteLLM's callbacks configure, assembled once per gateway: an after-response hook that
// turns each finished model call into its log and hands it to every exporter configured for its
// outcome, GET /metrics when `prometheus` is on, and a flush for the adapters (before a Lambda
// invocation ends, at shutdown). The exporters' code (./exporters.ts) is imported the first time one is
// used: a gateway with no callbacks loads none of it, and one with callbacks pays for it after its
// first response, not at cold start.
import type { ExporterName } from '../config/callbacks.ts';
import type { GatewayConfig } from '../config/types.ts';
import type { Log } from '../core/log.ts';
import type { AfterResponseHook, Route } from '../core/types.ts';
import { callRecordOf } from '../pricing/call-record.ts';
import { callLogOf, withTextsForLog } from './call-log.ts';
import type { Exporter } from './exporter.ts';
import type { PrometheusMetrics } from './prometheus.ts';

export interface Observability {
  afterResponse: AfterResponseHook;
  routes: Route[];
  flush(): Promise<void>;
}

export interface ObservabilityOptions {
  /** GET /metrics needs the master key whatever the config says (a public Lambda). */
  metricsNeedMasterKey?: boolean;
}

/** Undefined when no callback is configured: then nothing is added to the gateway at all. */
export function observability(config: Pick<GatewayConfig, 'observability' | 'deployments'>, log: Log, options: ObservabilityOptions = {}): Observability | undefined {
  const settings = config.observability;
  const names = Object.keys(settings.exporters) as ExporterName[];
  if (!names.length) return undefined;

  const servedModels = new Set(config.deployments.map((deployment) => deployment.modelName));
  let metrics: Promise<PrometheusMetrics> | undefined;
  const prometheus = () => (metrics ??= import('#exporters').then((module) => module.prometheusMetrics(servedModels)));
  const exporters = names.map((name) => ({
    name,
    outcomes: settings.exporters[name]!,
    exporter: loaded(name, async () => (await import('#exporters')).createExporter(name, settings, log, prometheus), log),
  }));

  const routes: Route[] = settings.exporters.prometheus
    ? [
        {
          method: 'GET',
          paths: ['/metrics'],
          auth: settings.metricsRequireAuth || options.metricsNeedMasterKey ? 'admin' : 'public',
          async handle() {
            const registry = await prometheus();
            return { headers: { 'content-type': registry.contentType }, body: await registry.text() };
          },
        },
      ]
    : [];

  return {
    routes,
    async afterResponse(ctx) {
      const record = callRecordOf(ctx);
      if (!record) return;
      const logged = callLogOf(ctx, record, settings);
      const call = record.textsForLog ? await withTextsForLog(logged, record.textsForLog) : logged;
      for (const { outcomes, exporter } of exporters) {
        if (call.ok ? outcomes.success : outcomes.failure) (await exporter.get())?.record(call);
      }
    },
    // Only exporters already in use: a flush after requests that exported nothing loads nothing.
    async flush() {
      await Promise.all(exporters.map(async ({ exporter }) => (await exporter.started())?.flush()));
    },
  };
}

/** The exporter, loaded on first use, once; one that cannot load is logged once and left out. */
function loaded(name: ExporterName, load: () => Promise<Exporter>, log: Log) {
  let exporter: Promise<Exporter | undefined> | undefined;
  return {
    get: () =>
      (exporter ??= load().catch((error: unknown) => {
        log.error(`the ${name} callback could not start; nothing is exported to it`, { error: error instanceof Error ? error.message : String(error) });
        return undefined;
      })),
    /** Undefined until first used. */
    started: () => exporter,
  };
}
