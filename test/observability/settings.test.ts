// LiteLLM's callback settings as the config loader reads them: which exporters, for which outcomes,
// from which variables; anything else a start-up warning, never a failure.
import { describe, expect, it } from 'vitest';
import { testConfig } from '../helpers/gateway.ts';

const load = (settings: string, env: Record<string, string> = {}) => testConfig(`model_list: []\nlitellm_settings:\n${settings}`, env);

describe('litellm_settings callbacks', () => {
  it('takes callbacks for every outcome, success_callback and failure_callback for one each', () => {
    const config = load('  callbacks: ["prometheus"]\n  success_callback: ["s3", "prometheus"]\n  failure_callback: generic_api\n  s3_callback_params: { s3_bucket_name: logs }', {
      GENERIC_LOGGER_ENDPOINT: 'http://127.0.0.1:9/logs',
      GENERIC_LOGGER_HEADERS: 'authorization=Bearer%20abc,x-team=search',
    });
    expect(config.observability.exporters).toEqual({
      prometheus: { success: true, failure: true },
      s3: { success: true, failure: false },
      generic_api: { success: false, failure: true },
    });
    expect(config.observability.s3).toEqual({ bucket: 'logs', path: '', region: undefined, endpoint: undefined, accessKeyId: undefined, secretAccessKey: undefined });
    expect(config.observability.genericApi).toEqual({ endpoint: 'http://127.0.0.1:9/logs', headers: { authorization: 'Bearer abc', 'x-team': 'search' } });
    expect(config.observability).toMatchObject({ messageLogging: true, redactKeyInfo: false, metricsRequireAuth: false });
    expect(config.warnings).toEqual([]);
  });

  it('names the callbacks it does not export to in one start-up warning, and runs the rest', () => {
    const config = load('  callbacks: ["otel", "datadog", "custom_callbacks.proxy_handler_instance"]\n  success_callback: ["sentry"]');
    expect(Object.keys(config.observability.exporters)).toEqual(['otel']);
    expect(config.warnings).toHaveLength(1);
    expect(config.warnings[0]).toContain('datadog, custom_callbacks.proxy_handler_instance, sentry');
  });

  it('turns off an exporter whose variables are missing, saying which', () => {
    const config = load('  callbacks: ["langfuse", "langfuse_otel", "s3", "generic_api"]', { LANGFUSE_PUBLIC_KEY: 'pk-lf' });
    expect(config.observability.exporters).toEqual({});
    expect(config.warnings.join('\n')).toContain('the langfuse callback is off: LANGFUSE_SECRET_KEY not set');
    expect(config.warnings.join('\n')).toContain('s3_bucket_name is not set');
    expect(config.warnings.join('\n')).toContain('GENERIC_LOGGER_ENDPOINT is not set');
  });

  it('reads the OTLP exporter as the OpenTelemetry SDKs do, and LiteLLM’s own variables too', () => {
    const otel = (env: Record<string, string>) => load('  callbacks: ["otel"]', env).observability.otel;
    expect(otel({})).toEqual({ url: 'http://localhost:4318/v1/traces', headers: {}, protocol: 'http/protobuf', serviceName: 'tollgate' });
    expect(otel({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'gw' })).toMatchObject({
      url: 'http://collector:4318/v1/traces',
      protocol: 'http/json',
      serviceName: 'gw',
    });
    expect(otel({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/traces' })?.url).toBe('http://b:4318/traces');
    expect(otel({ OTEL_ENDPOINT: 'https://api.traceloop.com/v1/traces', OTEL_HEADERS: 'Authorization=Bearer%20tl' })).toMatchObject({
      url: 'https://api.traceloop.com/v1/traces',
      headers: { authorization: 'Bearer tl' },
    });
    const grpc = load('  callbacks: ["otel"]', { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(grpc.observability.exporters).toEqual({});
    expect(grpc.warnings[0]).toContain('set OTEL_EXPORTER_OTLP_PROTOCOL to http/protobuf or http/json');
  });

  it('sends langfuse_otel to the Langfuse OTLP endpoint with Basic auth', () => {
    const config = load('  callbacks: ["langfuse_otel"]', { LANGFUSE_PUBLIC_KEY: 'pk-lf', LANGFUSE_SECRET_KEY: 'sk-lf', LANGFUSE_HOST: 'http://127.0.0.1:3000/' });
    expect(config.observability.langfuseOtel).toEqual({
      url: 'http://127.0.0.1:3000/api/public/otel/v1/traces',
      headers: { authorization: `Basic ${Buffer.from('pk-lf:sk-lf').toString('base64')}` },
      protocol: 'http/protobuf',
      serviceName: 'tollgate',
    });
  });

  it('reads message logging, key redaction and metrics auth', () => {
    const config = load('  turn_off_message_logging: true\n  redact_user_api_key_info: true\n  require_auth_for_metrics_endpoint: true');
    expect(config.observability).toMatchObject({ exporters: {}, messageLogging: false, redactKeyInfo: true, metricsRequireAuth: true });
  });
});
