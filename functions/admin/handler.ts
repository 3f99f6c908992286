// The admin API on AWS Lambda (LiteLLM's /key, /team, /user, /customer paths and /audit), behind the
// same API Gateway as the gateway Lambda. Answers are small JSON, so this is a plain (non-streaming)
// middy handler. Its gateway comes from functions/common/live-gateway.ts, as the gateway Lambda's does.
// The stack's scheduled EventBridge rule invokes it too: then it rotates the keys that are due
// (shared/keys/key-rotation.ts).
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, ScheduledEvent } from 'aws-lambda';
import { buildGateway } from '../../shared/app.ts';
import type { EnvLookup } from '../../shared/config/load.ts';
import type { GatewayConfig } from '../../shared/config/types.ts';
import { virtualKeyOptions } from '../../shared/keys/gateway-options.ts';
import { keyRotation, type RotationOverrides } from '../../shared/keys/rotation-from-config.ts';
import { storeFromEnv } from '../../shared/store/open.ts';
import type { Store } from '../../shared/store/store.ts';
import { toGatewayRequest } from '../common/apigw-event.ts';
import { liveGateway } from '../common/live-gateway.ts';
import { powertoolsLog } from '../common/powertools-log.ts';
import { secretSourceFromEnv, type SecretSource } from '../common/secret-env.ts';

export interface AdminHandlerOptions {
  configPath?: string;
  env?: EnvLookup;
  logger?: Logger;
  /** Where `os.environ/NAME` values come from first; then `env`. */
  secrets?: SecretSource;
  store: Store;
  /** The rotation job's Secrets Manager client, SNS channel and clock (tests). */
  rotation?: RotationOverrides;
}

/** What the scheduled rule sends: EventBridge's Scheduled Event. */
function isScheduled(event: APIGatewayProxyEvent | ScheduledEvent): event is ScheduledEvent {
  return 'detail-type' in event && event['detail-type'] === 'Scheduled Event';
}

export function createAdminHandler(options: AdminHandlerOptions) {
  const env = options.env ?? ((name: string) => process.env[name]);
  const logger = options.logger ?? new Logger({ serviceName: env('POWERTOOLS_SERVICE_NAME') ?? 'tollgate-admin' });
  const log = powertoolsLog(logger);
  let loaded: GatewayConfig | undefined;
  const gatewayNow = liveGateway({
    configPath: options.configPath,
    env,
    secrets: options.secrets,
    log,
    build: (config) => {
      loaded = config;
      return buildGateway({ config, log, ...virtualKeyOptions(options.store), adminApi: true });
    },
  });

  return middy<APIGatewayProxyEvent | ScheduledEvent, APIGatewayProxyResult | { rotated: string[] }>()
    .use(injectLambdaContext(logger, { logEvent: false }))
    .handler(async (event) => {
      const gateway = await gatewayNow();
      if (isScheduled(event)) {
        // The new keys' ids only: the keys themselves go to Secrets Manager, never into a result or a log.
        const rotated = await keyRotation(loaded!, options.store, log, env, options.rotation).rotateDue();
        return { rotated: rotated.map((r) => r.token_id) };
      }
      const response = await gateway.handle(toGatewayRequest(event, new AbortController().signal));
      let body = '';
      if (typeof response.body === 'string') body = response.body;
      else for await (const chunk of response.body) body += chunk;
      await response.done();
      return { statusCode: response.status, headers: response.headers, body };
    });
}

export const handler = createAdminHandler({ secrets: secretSourceFromEnv((name) => process.env[name]), store: storeFromEnv() });
