// The exporters' own code, in one module the gateway imports (as `#exporters`, package.json's
// "imports") the first time a configured callback is used: a gateway without callbacks never loads it,
// nor the packages it needs (prom-client, OpenTelemetry, the S3 client). The Lambda bundles leave it
// out; the stack bundles it into a file of its own beside them (infra/exporters-bundle.ts).
import type { ExporterName, ObservabilitySettings } from '../config/callbacks.ts';
import type { Log } from '../core/log.ts';
import type { Exporter } from './exporter.ts';
import { genericApiExporter } from './generic-api.ts';
import { langfuseExporter } from './langfuse.ts';
import { otlpExporter } from './otel.ts';
import type { PrometheusMetrics } from './prometheus.ts';
import { s3LogExporter } from './s3-logs.ts';

export { prometheusMetrics } from './prometheus.ts';

/** The exporter `name` as configured; Prometheus' counts go to the gateway's one set of metrics. */
export async function createExporter(name: ExporterName, settings: ObservabilitySettings, log: Log, metrics: () => Promise<PrometheusMetrics>): Promise<Exporter> {
  switch (name) {
    case 'prometheus': {
      const registry = await metrics();
      return { record: (call) => registry.record(call), flush: async () => {} };
    }
    case 'otel':
      return otlpExporter(settings.otel!, name, log);
    case 'langfuse_otel':
      return otlpExporter(settings.langfuseOtel!, name, log);
    case 'langfuse':
      return langfuseExporter(settings.langfuse!, log);
    case 's3':
      return s3LogExporter(settings.s3!, log);
    case 'generic_api':
      return genericApiExporter(settings.genericApi!, log);
  }
}
