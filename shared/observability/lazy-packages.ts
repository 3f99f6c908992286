// The packages only exporters use, each imported the first time a configured callback needs it. The
// Lambda bundles leave them out (esbuild would otherwise inline them, a sixth more code for every cold
// start to read, callbacks or not); the stack installs them beside the bundle instead, where those
// dynamic imports find them (infra/tollgate-stack.ts; measured in docs/BENCHMARKS.md).
export const EXPORTER_PACKAGES = [
  'prom-client',
  '@opentelemetry/api',
  '@opentelemetry/core',
  '@opentelemetry/resources',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/exporter-trace-otlp-proto',
];
