// The admin API on AWS Lambda (LiteLLM's /key, /team, /user, /customer paths and /audit), behind the
// same API Gateway as the gateway Lambda. Answers are small JSON, so this is a plain (non-streaming)
// middy handler. Its gateway comes from functions/common/live-gateway.ts, as the gateway Lambda's does.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { fileURLToPath } from 'node:url';
import { buildGateway } from '../../shared/app.ts';
import type { EnvLookup } from '../../shared/config/load.ts';
import { virtualKeyOptions } from '../../shared/keys/gateway-options.ts';
import { storeFromEnv } from '../../shared/store/open.ts';
import { readUiFiles } from '../../shared/ui/assets.ts';
import type { Store } from '../../shared/store/store.ts';
import { toGatewayRequest } from '../common/apigw-event.ts';
import { liveGateway } from '../common/live-gateway.ts';
import { powertoolsLog } from '../common/powertools-log.ts';
import { secretSourceFromEnv, type SecretSource } from '../common/secret-env.ts';
import { UI_ASSETS_DIR } from './ui-assets.ts';

export interface AdminHandlerOptions {
  configPath?: string;
  env?: EnvLookup;
  logger?: Logger;
  /** Where `os.environ/NAME` values come from first; then `env`. */
  secrets?: SecretSource;
  store: Store;
  /** The web UI's built files (beside the bundle, infra/ui-bundle.ts); without them no /ui. */
  uiAssetsDir?: string;
}

export function createAdminHandler(options: AdminHandlerOptions) {
  const env = options.env ?? ((name: string) => process.env[name]);
  const logger = options.logger ?? new Logger({ serviceName: env('POWERTOOLS_SERVICE_NAME') ?? 'tollgate-admin' });
  const log = powertoolsLog(logger);
  const gatewayNow = liveGateway({
    configPath: options.configPath,
    env,
    secrets: options.secrets,
    log,
    build: (config) =>
      buildGateway({ config, log, ...virtualKeyOptions(options.store), adminApi: true, ui: options.uiAssetsDir ? { files: async () => readUiFiles(options.uiAssetsDir!), env } : undefined }),
  });

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger, { logEvent: false }))
    .handler(async (event) => {
      const gateway = await gatewayNow();
      const response = await gateway.handle(toGatewayRequest(event, new AbortController().signal));
      let body = '';
      if (typeof response.body === 'string') body = response.body;
      else for await (const chunk of response.body) body += chunk;
      await response.done();
      return { statusCode: response.status, headers: response.headers, body };
    });
}

export const handler = createAdminHandler({
  secrets: secretSourceFromEnv((name) => process.env[name]),
  store: storeFromEnv(),
  uiAssetsDir: fileURLToPath(new URL(`./${UI_ASSETS_DIR}`, import.meta.url)),
});
