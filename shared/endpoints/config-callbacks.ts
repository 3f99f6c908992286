// GET /get/config/callbacks, in LiteLLM's shape: {"status": "success", "callbacks": [{name, variables,
// type}], "alerts": [...], "router_settings": {...}}, which LiteLLM's UI (its Logging & Alerts page) and
// its e2e tests read (router_settings.routing_strategy). `callbacks`: each logging callback the config
// turns on, `type` success, failure or success_and_failure, and `variables` what it was set up with (as
// LiteLLM names them); `alerts`: the budget alert webhook. Every secret is masked as in GET /config/yaml
// (shared/config/masked-config.ts), where LiteLLM shows them decrypted. An admin route; a GET, so the
// read-only admin reads it too (shared/keys/roles.ts).
import type { ExporterName, ObservabilitySettings, Outcomes } from '../config/callbacks.ts';
import { maskedConfig } from '../config/masked-config.ts';
import type { GatewayConfig } from '../config/types.ts';
import type { Route } from '../core/types.ts';
import { routerCurrentValues } from './router-settings.ts';

export function configCallbacksEndpoint(config: GatewayConfig): Route[] {
  const observability = config.observability;
  const callbacks = (Object.entries(observability.exporters) as Array<[ExporterName, Outcomes | undefined]>).flatMap(([name, outcomes]) =>
    outcomes ? [{ name, variables: maskedConfig(variablesOf(name, observability)), type: typeOf(outcomes) }] : [],
  );
  const webhook = config.spend.alertWebhookUrl;
  const alerts = webhook ? [{ name: 'webhook', variables: maskedConfig({ alert_webhook_url: webhook }) }] : [];
  const body = JSON.stringify({ status: 'success', callbacks, alerts, router_settings: routerCurrentValues(config) });
  return [{ method: 'GET', paths: ['/get/config/callbacks'], auth: 'admin', handle: async () => ({ body }) }];
}

function typeOf({ success, failure }: Outcomes): string {
  return success && failure ? 'success_and_failure' : success ? 'success' : 'failure';
}

/** What an exporter runs with, under the names LiteLLM's docs give them (masked by the caller). */
function variablesOf(name: ExporterName, settings: ObservabilitySettings): Record<string, unknown> {
  switch (name) {
    case 'langfuse':
      return { LANGFUSE_HOST: settings.langfuse?.host, LANGFUSE_PUBLIC_KEY: settings.langfuse?.publicKey, LANGFUSE_SECRET_KEY: settings.langfuse?.secretKey };
    case 'otel':
    case 'langfuse_otel': {
      const otlp = name === 'otel' ? settings.otel : settings.langfuseOtel;
      return { OTEL_EXPORTER_OTLP_ENDPOINT: otlp?.url, OTEL_EXPORTER_OTLP_PROTOCOL: otlp?.protocol, OTEL_SERVICE_NAME: otlp?.serviceName, OTEL_EXPORTER_OTLP_HEADERS: otlp?.headers };
    }
    case 's3': {
      const s3 = settings.s3;
      return {
        s3_bucket_name: s3 && 'bucket' in s3 ? s3.bucket : undefined,
        s3_region_name: s3?.region,
        s3_path: s3?.path,
        s3_endpoint_url: s3?.endpoint,
        s3_aws_access_key_id: s3?.accessKeyId,
        s3_aws_secret_access_key: s3?.secretAccessKey,
      };
    }
    case 'generic_api':
      return { GENERIC_LOGGER_ENDPOINT: settings.genericApi?.endpoint, GENERIC_LOGGER_HEADERS: settings.genericApi?.headers };
    case 'prometheus':
      return {};
  }
}
