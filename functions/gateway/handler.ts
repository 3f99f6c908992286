// Tollgate on AWS Lambda, behind an API Gateway REST API with a STREAM (response-streaming) integration.
// The gateway comes from functions/common/live-gateway.ts (the config JSON bundled at synth time, values
// from the deployment's secret). Each invocation turns the proxy event into a GatewayRequest and returns
// the response for middy 7 to pipe into the Lambda response stream: a string whole, an SSE (or binary
// audio) body chunk by chunk. `response.done()` is awaited in middy's requestEnd hook, after the last
// byte or a torn-down stream. With the table it also serves the web UI's playground chat (the UI's
// session cookie as its caller), so that the playground streams here too.
import { Readable } from 'node:stream';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type Request } from '@middy/core';
import { executionModeStreamifyResponse } from '@middy/core/StreamifyResponse';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { buildGateway, type AppOptions } from '../../shared/app.ts';
import type { EnvLookup } from '../../shared/config/load.ts';
import type { Gateway } from '../../shared/core/gateway.ts';
import type { GatewayResponse } from '../../shared/core/types.ts';
import { virtualKeyOptions } from '../../shared/keys/gateway-options.ts';
import { storeFromEnv } from '../../shared/store/open.ts';
import { PLAYGROUND_API } from '../../shared/ui/playground-api.ts';
import { vectorIndexFromEnv } from '../../shared/store/s3-vector-entries.ts';
import { toGatewayRequest } from '../common/apigw-event.ts';
import { liveGateway } from '../common/live-gateway.ts';
import { powertoolsLog } from '../common/powertools-log.ts';
import { secretSourceFromEnv, type SecretSource } from '../common/secret-env.ts';
import { requestMetrics } from './metrics.ts';

/** Upstream calls are aborted this long before the Lambda timeout, so the stream ends and done() still runs. */
const DEADLINE_MARGIN_MS = 1000;
/** How long a torn-down body may take to wind down (its finally blocks) before done() runs regardless. */
const CLOSE_WAIT_MS = 1000;

/** What later modules plug in (routes, authenticators, hooks), plus where the config and logs come from. */
export interface HandlerOptions extends Partial<Omit<AppOptions, 'config' | 'log'>> {
  /** Default: GATEWAY_CONFIG, else gateway.config.json beside the handler, else in the cwd. */
  configPath?: string;
  env?: EnvLookup;
  logger?: Logger;
  /** Where `os.environ/NAME` values come from first (the deployment's secret); then `env`. */
  secrets?: SecretSource;
  /** EMF metrics per request, and Powertools' ColdStart metric; off when absent. */
  metrics?: Metrics;
}

export interface LambdaResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string | Readable;
}

/** What requestEnd needs to finish one invocation. */
interface Invocation {
  abort(): void;
  timer?: NodeJS.Timeout;
  gateway?: Gateway;
  response?: GatewayResponse;
  stream?: Readable;
}

export function createHandler(options: HandlerOptions = {}) {
  const { configPath, env: givenEnv, logger: givenLogger, secrets, metrics, ...app } = options;
  const env = givenEnv ?? ((name: string) => process.env[name]);
  const logger = givenLogger ?? new Logger({ serviceName: env('POWERTOOLS_SERVICE_NAME') ?? 'tollgate' });
  const log = powertoolsLog(logger);
  const gatewayNow = liveGateway({
    configPath,
    env,
    secrets,
    providers: app.providers,
    log,
    build: (config) => {
      const servedModels = new Set(config.deployments.map((d) => d.modelName));
      const afterResponse = [...(app.afterResponse ?? []), ...(metrics ? [requestMetrics(metrics, servedModels)] : [])];
      return buildGateway({ ...app, afterResponse, config, log, metricsNeedMasterKey: true });
    },
  });

  // Invocations in flight, keyed by their context object: the handler and requestEnd both see it.
  const invocations = new WeakMap<object, Invocation>();

  // middy awaits this after piping the body, whether the pipeline finished or failed (client gone). On some
  // Node versions (20) a failed pipeline rejects before the body's generator has wound down; Node 24 waits.
  // Either way, wait (bounded) for it: the after-response hooks then see the request's final state.
  const requestEnd = async (request: Request) => {
    const invocation = invocations.get(request.context);
    if (!invocation) return;
    invocations.delete(request.context);
    clearTimeout(invocation.timer);
    const { stream } = invocation;
    if (stream && !stream.readableEnded) {
      invocation.abort();
      await closed(stream, CLOSE_WAIT_MS);
    }
    await invocation.response?.done();
    // Exports queued by this invocation go now: a frozen instance sends nothing until its next one.
    await invocation.gateway?.flush();
  };

  return middy<APIGatewayProxyEvent, LambdaResult>({ executionMode: executionModeStreamifyResponse, requestEnd })
    .use(injectLambdaContext(logger, { logEvent: false }))
    .handler(async (event: APIGatewayProxyEvent, context: Context): Promise<LambdaResult> => {
      // Once per instance, on its first invocation: Powertools' ColdStart metric (service, function_name).
      metrics?.captureColdStartMetric(context.functionName);
      const controller = new AbortController();
      const invocation: Invocation = { abort: () => controller.abort() };
      invocations.set(context, invocation);
      const remaining = context.getRemainingTimeInMillis?.();
      if (remaining) invocation.timer = setTimeout(invocation.abort, Math.max(0, remaining - DEADLINE_MARGIN_MS)).unref();

      const gateway = await gatewayNow();
      invocation.gateway = gateway;
      const response = await gateway.handle(toGatewayRequest(event, controller.signal));
      invocation.response = response;
      const { status: statusCode, headers } = response;
      if (typeof response.body === 'string') return { statusCode, headers, body: response.body };
      invocation.stream = streamBody(response.body, invocation.abort);
      return { statusCode, headers, body: invocation.stream };
    });
}

/**
 * Each chunk is written as it comes. When the response stream is torn down, the pipeline destroys this
 * stream. Readable.from's destroy waits for the generator to reach its next yield (the next upstream
 * chunk, maybe never), and on Node 24 the pipeline waits for that destroy: so abort the upstream call
 * here, at once, and let the stream close after CLOSE_WAIT_MS even if the body ignores the abort.
 */
function streamBody(body: AsyncIterable<string | Uint8Array>, abandon: () => void): Readable {
  const stream = Readable.from(body, { objectMode: false });
  const destroy = stream._destroy;
  stream._destroy = (error, callback) => {
    if (!stream.readableEnded) abandon();
    let called = false;
    const finish = (err?: Error | null) => {
      if (called) return;
      called = true;
      clearTimeout(timer);
      callback(err ?? error);
    };
    const timer = setTimeout(finish, CLOSE_WAIT_MS);
    destroy.call(stream, error, finish);
  };
  return stream;
}

function closed(stream: Readable, timeoutMs: number): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    stream.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** In AWS the stack sets TOLLGATE_SECRET_ID, POWERTOOLS_METRICS_NAMESPACE and TOLLGATE_TABLE; tests and local runs leave them unset. */
function awsDefaults(): HandlerOptions {
  return {
    secrets: secretSourceFromEnv((name) => process.env[name]),
    metrics: process.env['POWERTOOLS_METRICS_NAMESPACE'] ? new Metrics({ serviceName: 'gateway' }) : undefined,
    // Virtual keys: the admin Lambda (functions/admin) changes them; this one only reads them.
    ...(process.env['TOLLGATE_TABLE'] && {
      ...virtualKeyOptions(storeFromEnv()),
      // The UI's playground chat comes here to be streamed (infra/tollgate-stack.ts): the sessions the admin Lambda signs in, read with the same secret.
      ui: { env: (name: string) => process.env[name] },
      adminApi: PLAYGROUND_API,
    }),
    vectorIndex: vectorIndexFromEnv((name) => process.env[name]),
  };
}

export const handler = createHandler(awsDefaults());
