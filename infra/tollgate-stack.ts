// TollgateStack: API Gateway (REST, regional, response streaming) in front of the gateway Lambda.
// The keys, spend and alerting resources join this stack as their issues land.
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { EndpointType, LambdaIntegration, ResponseTransferMode, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { parse } from 'yaml';
import { DEV_MASTER_KEY } from '../shared/config/types.ts';

export interface TollgateStackProps extends StackProps {
  /** The gateway config bundled with the function. */
  configPath: string;
  stageName?: string;
  memorySize?: number;
}

const ROOT = resolve(import.meta.dirname, '..');
/** API Gateway streams may last 15 minutes; long generations need more than the 29 s default. */
const INTEGRATION_TIMEOUT = Duration.minutes(15);

export class TollgateStack extends Stack {
  constructor(scope: Construct, id: string, props: TollgateStackProps) {
    super(scope, id, props);
    const configPath = resolve(ROOT, props.configPath);
    refuseDevelopmentKey(configPath);
    const configFile = basename(configPath);

    const gateway = new NodejsFunction(this, 'Gateway', {
      entry: resolve(ROOT, 'functions/gateway/handler.ts'),
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: INTEGRATION_TIMEOUT,
      depsLockFilePath: resolve(ROOT, 'package-lock.json'),
      environment: { GATEWAY_CONFIG: configFile, NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'tollgate-gateway' },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        target: 'node24',
        // Bundled CommonJS dependencies call require(); ESM output has none unless we make one.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_input: string, output: string) => [`cp "${configPath}" "${output}/${configFile}"`],
        },
      },
    });

    const api = new RestApi(this, 'Api', {
      restApiName: 'tollgate',
      // EDGE (the default) idles streams out after 30 s; REGIONAL allows 5 minutes between chunks.
      endpointTypes: [EndpointType.REGIONAL],
      deployOptions: { stageName: props.stageName ?? 'v1' },
    });
    const streaming = new LambdaIntegration(gateway, { responseTransferMode: ResponseTransferMode.STREAM, timeout: INTEGRATION_TIMEOUT });
    api.root.addMethod('ANY', streaming);
    api.root.addProxy({ defaultIntegration: streaming, anyMethod: true });

    new CfnOutput(this, 'BaseUrl', { value: api.url, description: 'Use as base_url (append /v1 for OpenAI clients)' });
  }
}

/** The development master key is public knowledge: never deploy a config that holds it. */
function refuseDevelopmentKey(configPath: string): void {
  const config = parse(readFileSync(configPath, 'utf8')) as { general_settings?: { master_key?: unknown } } | null;
  const masterKey = config?.general_settings?.master_key;
  if (masterKey === DEV_MASTER_KEY || masterKey === undefined) {
    throw new Error(`${configPath}: general_settings.master_key must be set, and not to the development key ${DEV_MASTER_KEY}, before deploying. Use os.environ/TOLLGATE_MASTER_KEY.`);
  }
}
