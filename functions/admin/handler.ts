// The admin API on AWS Lambda (LiteLLM's /key, /team, /user, /customer paths and /audit), behind the
// same API Gateway as the gateway Lambda. Answers are small JSON, so this is a plain (non-streaming)
// middy handler. The config is read for its master key, from the deployment's secret like the gateway.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { buildGateway, loadGatewayConfig } from '../../shared/app.ts';
import type { EnvLookup } from '../../shared/config/load.ts';
import { DEV_MASTER_KEY } from '../../shared/config/types.ts';
import type { Gateway } from '../../shared/core/gateway.ts';
import { virtualKeyOptions } from '../../shared/keys/gateway-options.ts';
import { keysService } from '../../shared/keys/service.ts';
import { adminRoutes } from '../../shared/routes/admin/index.ts';
import { storeFromEnv } from '../../shared/store/open.ts';
import type { Store } from '../../shared/store/store.ts';
import { secretSource, type SecretSource, type SecretValues } from '../common/secret-env.ts';
import { toGatewayRequest } from '../gateway/apigw-event.ts';
import { powertoolsLog } from '../gateway/powertools-log.ts';

export interface AdminHandlerOptions {
  configPath?: string;
  env?: EnvLookup;
  logger?: Logger;
  /** Where `os.environ/NAME` values come from first; then `env`. */
  secrets?: SecretSource;
  store: Store;
}

export function createAdminHandler(options: AdminHandlerOptions) {
  const env = options.env ?? ((name: string) => process.env[name]);
  const logger = options.logger ?? new Logger({ serviceName: env('POWERTOOLS_SERVICE_NAME') ?? 'tollgate-admin' });
  const log = powertoolsLog(logger);
  const configPath = options.configPath ?? env('GATEWAY_CONFIG') ?? 'gateway.config.yaml';

  const build = (values?: SecretValues): Gateway => {
    const config = loadGatewayConfig(configPath, (name) => values?.[name] ?? env(name));
    if (config.masterKey === undefined || config.masterKey === DEV_MASTER_KEY) {
      throw new Error(`${configPath}: the admin API is public behind API Gateway, so general_settings.master_key must be a secret of your own (not ${DEV_MASTER_KEY}).`);
    }
    return buildGateway({ config, log, ...virtualKeyOptions(options.store), extraRoutes: [() => adminRoutes(keysService(options.store, log))] });
  };
  // Rebuilt when the secret's cached values change (a rotated master key).
  let current: { values?: SecretValues; gateway: Gateway } | undefined;
  const gatewayNow = async (): Promise<Gateway> => {
    const values = await options.secrets?.values();
    if (!current || current.values !== values) current = { values, gateway: build(values) };
    return current.gateway;
  };

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

function fromEnvironment(): AdminHandlerOptions {
  const secretId = process.env['TOLLGATE_SECRET_ID'];
  return {
    secrets: secretId ? secretSource(new SecretsProvider(), secretId, Number(process.env['TOLLGATE_SECRET_TTL_SECONDS'] ?? 300)) : undefined,
    store: storeFromEnv(),
  };
}

export const handler = createAdminHandler(fromEnvironment());
