// LiteLLM's logging callbacks (`litellm_settings.callbacks`, `success_callback`, `failure_callback`)
// → the exporters Tollgate runs after each response, with what each needs from the environment,
// read the way LiteLLM and the OpenTelemetry SDKs read it. A name Tollgate does not export to, or an
// exporter whose variables are missing, is a start-up warning, never a failure.
import type { EnvLookup } from './load.ts';
import type { RawConfig } from './schema.ts';

export const EXPORTER_NAMES = ['prometheus', 'otel', 'langfuse', 'langfuse_otel', 's3', 'generic_api'] as const;
export type ExporterName = (typeof EXPORTER_NAMES)[number];

/** Which outcomes an exporter is told about: `callbacks` both, `success_callback` and `failure_callback` one each. */
export interface Outcomes {
  success: boolean;
  failure: boolean;
}

/** Where spans go over OTLP/HTTP: the traces URL, its headers (may hold a credential: never log them), the encoding. */
export interface OtlpSettings {
  url: string;
  headers: Record<string, string>;
  protocol: 'http/protobuf' | 'http/json';
  serviceName: string;
}

export interface LangfuseSettings {
  host: string;
  publicKey: string;
  /** A credential: never log it. */
  secretKey: string;
}

/**
 * `litellm_settings.s3_callback_params`, written to `bucket` by PutObject; or, on AWS, to the stack's
 * Firehose `deliveryStream` (TOLLGATE_REQUEST_LOG_STREAM), which writes them to the stack's bucket.
 */
export type S3LogSettings = S3Target & ({ bucket: string } | { deliveryStream: string });

interface S3Target {
  region?: string;
  /** Key prefix, without slashes at either end. */
  path: string;
  /** An S3-compatible endpoint (MinIO, a local fake); AWS's when absent. */
  endpoint?: string;
  /** Static credentials (a credential: never log them); the SDK's default chain when absent. */
  accessKeyId?: string;
  secretAccessKey?: string;
}

export interface GenericApiSettings {
  endpoint: string;
  headers: Record<string, string>;
}

export interface ObservabilitySettings {
  /** The exporters configured, and for which outcomes. Empty: nothing is exported (and nothing loaded). */
  exporters: Partial<Record<ExporterName, Outcomes>>;
  /** False with `turn_off_message_logging`: no prompt or answer text leaves the gateway. */
  messageLogging: boolean;
  /** `redact_user_api_key_info`: no key hash, alias, team or user in what is exported. */
  redactKeyInfo: boolean;
  /** `require_auth_for_metrics_endpoint`: GET /metrics needs the master key. */
  metricsRequireAuth: boolean;
  otel?: OtlpSettings;
  langfuseOtel?: OtlpSettings;
  langfuse?: LangfuseSettings;
  s3?: S3LogSettings;
  genericApi?: GenericApiSettings;
}

type LitellmSettings = NonNullable<RawConfig['litellm_settings']>;

const LANGFUSE_DEFAULT_HOST = 'https://cloud.langfuse.com';
/** Where LiteLLM's langfuse_otel sends without LANGFUSE_OTEL_HOST. */
const LANGFUSE_OTEL_DEFAULT_HOST = 'https://us.cloud.langfuse.com';
const OTLP_DEFAULT_ENDPOINT = 'http://localhost:4318';

export function toObservabilitySettings(raw: LitellmSettings = {}, env: EnvLookup, source: string, warnings: string[]): ObservabilitySettings {
  const exporters: ObservabilitySettings['exporters'] = {};
  const unknown = new Set<string>();
  const add = (names: readonly string[] | undefined, outcomes: Partial<Outcomes>) => {
    for (const name of names ?? []) {
      if (!(EXPORTER_NAMES as readonly string[]).includes(name)) {
        unknown.add(name);
        continue;
      }
      const known = name as ExporterName;
      exporters[known] = { success: exporters[known]?.success || !!outcomes.success, failure: exporters[known]?.failure || !!outcomes.failure };
    }
  };
  add(raw.callbacks, { success: true, failure: true });
  add(raw.success_callback, { success: true });
  add(raw.failure_callback, { failure: true });
  if (unknown.size) {
    warnings.push(`${source}: litellm_settings callbacks Tollgate does not export to are ignored: ${[...unknown].join(', ')} (supported: ${EXPORTER_NAMES.join(', ')})`);
  }

  const settings: ObservabilitySettings = {
    exporters,
    messageLogging: raw.turn_off_message_logging !== true,
    redactKeyInfo: raw.redact_user_api_key_info === true,
    metricsRequireAuth: raw.require_auth_for_metrics_endpoint === true,
  };
  const disable = (name: ExporterName, why: string) => {
    delete exporters[name];
    warnings.push(`${source}: the ${name} callback is off: ${why}`);
  };

  if (exporters.otel) {
    const otel = otlpFromEnv(env);
    if (typeof otel === 'string') disable('otel', otel);
    else settings.otel = otel;
  }
  if (exporters.langfuse || exporters.langfuse_otel) {
    const publicKey = env('LANGFUSE_PUBLIC_KEY');
    const secretKey = env('LANGFUSE_SECRET_KEY');
    const missing = [!publicKey && 'LANGFUSE_PUBLIC_KEY', !secretKey && 'LANGFUSE_SECRET_KEY'].filter(Boolean).join(' and ');
    for (const name of ['langfuse', 'langfuse_otel'] as const) if (exporters[name] && missing) disable(name, `${missing} not set`);
    if (publicKey && secretKey) {
      if (exporters.langfuse) settings.langfuse = { host: trimSlash(env('LANGFUSE_HOST') ?? LANGFUSE_DEFAULT_HOST), publicKey, secretKey };
      if (exporters.langfuse_otel) {
        const host = trimSlash(env('LANGFUSE_OTEL_HOST') ?? env('LANGFUSE_HOST') ?? LANGFUSE_OTEL_DEFAULT_HOST);
        const auth = Buffer.from(`${publicKey}:${secretKey}`).toString('base64');
        settings.langfuseOtel = { url: `${host}/api/public/otel/v1/traces`, headers: { authorization: `Basic ${auth}` }, protocol: 'http/protobuf', serviceName: serviceName(env) };
      }
    }
  }
  if (exporters.s3) {
    const params = raw.s3_callback_params ?? {};
    const deliveryStream = env('TOLLGATE_REQUEST_LOG_STREAM');
    const destination = deliveryStream ? { deliveryStream } : params.s3_bucket_name ? { bucket: params.s3_bucket_name } : undefined;
    if (!destination) disable('s3', 'litellm_settings.s3_callback_params.s3_bucket_name is not set');
    else {
      settings.s3 = {
        ...destination,
        region: params.s3_region_name,
        path: (params.s3_path ?? '').replace(/^\/+|\/+$/g, ''),
        endpoint: params.s3_endpoint_url,
        accessKeyId: params.s3_aws_access_key_id,
        secretAccessKey: params.s3_aws_secret_access_key,
      };
    }
  }
  if (exporters.generic_api) {
    const endpoint = env('GENERIC_LOGGER_ENDPOINT');
    if (!endpoint) disable('generic_api', 'GENERIC_LOGGER_ENDPOINT is not set');
    else settings.genericApi = { endpoint, headers: headerList(env('GENERIC_LOGGER_HEADERS')) };
  }
  return settings;
}

/**
 * The OTLP/HTTP traces exporter as the OpenTelemetry SDKs configure it (`OTEL_EXPORTER_OTLP_TRACES_*`,
 * then `OTEL_EXPORTER_OTLP_*`), with LiteLLM's own `OTEL_ENDPOINT`/`OTEL_HEADERS` understood too; or
 * why it cannot run.
 */
function otlpFromEnv(env: EnvLookup): OtlpSettings | string {
  const protocol = env('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? env('OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') return `OTLP protocol "${protocol}" is not supported; set OTEL_EXPORTER_OTLP_PROTOCOL to http/protobuf or http/json`;
  if (env('OTEL_EXPORTER') === 'otlp_grpc') return 'OTEL_EXPORTER=otlp_grpc is not supported; use otlp_http (OTLP over HTTP)';
  const signalUrl = env('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? env('OTEL_ENDPOINT');
  const base = env('OTEL_EXPORTER_OTLP_ENDPOINT') ?? OTLP_DEFAULT_ENDPOINT;
  const url = signalUrl ?? `${trimSlash(base)}/v1/traces`;
  if (!/^https?:\/\//.test(url)) return `the OTLP endpoint "${url}" is not an http(s) URL`;
  const headers = headerList(env('OTEL_EXPORTER_OTLP_TRACES_HEADERS') ?? env('OTEL_EXPORTER_OTLP_HEADERS') ?? env('OTEL_HEADERS'));
  return { url, headers, protocol, serviceName: serviceName(env) };
}

function serviceName(env: EnvLookup): string {
  return env('OTEL_SERVICE_NAME') ?? 'tollgate';
}

/** The OTel spec's header list: `key1=value1,key2=value2`, values percent-encoded. */
function headerList(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    headers[pair.slice(0, at).trim().toLowerCase()] = percentDecoded(pair.slice(at + 1).trim());
  }
  return headers;
}

function percentDecoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
