// The admin API on AWS Lambda (LiteLLM's /key, /team, /user, /customer paths and /audit), behind the
// same API Gateway as the gateway Lambda. Answers are small JSON, so this is a plain (non-streaming)
// middy handler. Its gateway comes from functions/common/live-gateway.ts, as the gateway Lambda's does.
// The stack's scheduled EventBridge rules invoke it too, each naming its job: `key-rotation` rotates the
// keys that are due (shared/keys/key-rotation.ts); `health-checks` (with `background_health_checks`) runs
// the deployments' health checks, whose results every gateway instance routes by.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, ScheduledEvent } from 'aws-lambda';
import { fileURLToPath } from 'node:url';
import { buildGateway, scheduledHealthChecks } from '../../shared/app.ts';
import type { EnvLookup } from '../../shared/config/load.ts';
import { virtualKeyOptions } from '../../shared/keys/gateway-options.ts';
import { storeFromEnv } from '../../shared/store/open.ts';
import { vectorIndexFromEnv } from '../../shared/store/s3-vector-entries.ts';
import { keyRotation, type RotationOverrides } from '../../shared/keys/rotation-from-config.ts';
import { readUiFiles } from '../../shared/ui/assets.ts';
import type { Store } from '../../shared/store/store.ts';
import { toGatewayRequest } from '../common/apigw-event.ts';
import { liveGateway } from '../common/live-gateway.ts';
import { powertoolsLog } from '../common/powertools-log.ts';
import { secretSourceFromEnv, type SecretSource } from '../common/secret-env.ts';
import { UI_ASSETS_DIR } from './ui-assets.ts';
import { ADMIN_API } from '../../shared/admin-api.ts';

export interface AdminHandlerOptions {
  configPath?: string;
  env?: EnvLookup;
  logger?: Logger;
  /** Where `os.environ/NAME` values come from first; then `env`. */
  secrets?: SecretSource;
  store: Store;
  /** The web UI's built files (beside the bundle, infra/ui-bundle.ts); without them no /ui. */
  uiAssetsDir?: string;
  /** The rotation job's Secrets Manager client, SNS channel and clock (tests). */
  rotation?: RotationOverrides;
}

export function createAdminHandler(options: AdminHandlerOptions) {
  const env = options.env ?? ((name: string) => process.env[name]);
  const logger = options.logger ?? new Logger({ serviceName: env('POWERTOOLS_SERVICE_NAME') ?? 'tollgate-admin' });
  const log = powertoolsLog(logger);
  const functionNow = liveGateway({
    configPath: options.configPath,
    env,
    secrets: options.secrets,
    log,
    build: (config) => ({
      gateway: buildGateway({
        config,
        log,
        ...virtualKeyOptions(options.store),
        vectorIndex: vectorIndexFromEnv(env),
        adminApi: ADMIN_API,
        ui: options.uiAssetsDir ? { files: async () => readUiFiles(options.uiAssetsDir!), env } : undefined,
      }),
      healthChecks: scheduledHealthChecks(config, options.store, log),
      config,
    }),
  });

  return middy<APIGatewayProxyEvent | ScheduledEvent, APIGatewayProxyResult | ScheduledRun>()
    .use(injectLambdaContext(logger, { logEvent: false }))
    .handler(async (event, context) => {
      const { gateway, healthChecks, config } = await functionNow();
      if (isScheduled(event)) {
        const job = jobOf(event);
        const run: ScheduledRun = {};
        if (job !== 'health-checks') {
          // The new keys' ids only: the keys themselves go to Secrets Manager, never into a result or a log.
          const rotated = await keyRotation(config, options.store, log, env, options.rotation).rotateDue();
          run.rotated = rotated.map((r) => r.token_id);
        }
        if (job === 'health-checks' || (job === undefined && config.healthChecks.background)) Object.assign(run, await runHealthChecks(healthChecks, context, log));
        return run;
      }
      const response = await gateway.handle(toGatewayRequest(event, new AbortController().signal));
      let body = '';
      if (typeof response.body === 'string') body = response.body;
      else for await (const chunk of response.body) body += chunk;
      await response.done();
      return { statusCode: response.status, headers: response.headers, body };
    });
}

interface HealthCheckRun {
  healthy: number;
  unhealthy: number;
}

/** What a scheduled invocation did: the keys it rotated (their ids), the deployments it checked. */
type ScheduledRun = { rotated?: string[] } & Partial<HealthCheckRun>;

/** The job the stack's rule names in its event (infra/tollgate-stack.ts); a plain Scheduled Event runs every job configured. */
function jobOf(event: ScheduledEvent): 'key-rotation' | 'health-checks' | undefined {
  const job = (event as ScheduledEvent & { job?: unknown }).job;
  return job === 'key-rotation' || job === 'health-checks' ? job : undefined;
}

/** Leaves this long of the invocation for recording the last results. */
const RECORDING_MARGIN_MS = 2_000;

async function runHealthChecks(run: (signal: AbortSignal) => Promise<HealthCheckRun>, context: Context, log: ReturnType<typeof powertoolsLog>): Promise<HealthCheckRun> {
  const result = await run(AbortSignal.timeout(Math.max(1_000, context.getRemainingTimeInMillis() - RECORDING_MARGIN_MS)));
  log.info('scheduled health check', { ...result });
  return result;
}

/** The stack's EventBridge rule's event (its default, a "Scheduled Event"), not an API Gateway request. */
function isScheduled(event: APIGatewayProxyEvent | ScheduledEvent): event is ScheduledEvent {
  return 'detail-type' in event && event['detail-type'] === 'Scheduled Event';
}

export const handler = createAdminHandler({
  secrets: secretSourceFromEnv((name) => process.env[name]),
  store: storeFromEnv(),
  uiAssetsDir: fileURLToPath(new URL(`./${UI_ASSETS_DIR}`, import.meta.url)),
});
