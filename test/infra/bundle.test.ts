// The gateway Lambda as the stack ships it: bundled by esbuild (ESM, minified, node24, the SDK left to
// the runtime, the createRequire banner), loaded fresh, answering an API Gateway event through the
// response-stream shim; and what its cold start loads (docs/BENCHMARKS.md).
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiGatewayEvent, lambdaContext } from '../helpers/apigw-events.ts';
import { installLambdaShim, invokeStreaming } from '../helpers/lambda-stream-shim.ts';

// Inside node_modules, so the bundle's external @aws-sdk/* imports resolve as they do in the runtime.
const OUT = resolve('node_modules/.cache/tollgate-bundle-test');

describe('bundled gateway handler', () => {
  let bundle: Metafile['outputs'][string];
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    const { metafile } = await build({
      entryPoints: ['functions/gateway/handler.ts'],
      outfile: join(OUT, 'index.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      minify: true,
      external: ['@aws-sdk/*'],
      banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
      logLevel: 'silent',
      metafile: true,
    });
    bundle = metafile.outputs[join(OUT, 'index.mjs').slice(process.cwd().length + 1)]!;
  });

  it('loads and answers a chat request streamed through API Gateway', async () => {
    writeFileSync(join(OUT, 'gateway.config.yaml'), 'model_list:\n  - model_name: mock\n    litellm_params: { model: mock/x }\ngeneral_settings:\n  master_key: os.environ/TOLLGATE_MASTER_KEY\n');
    process.env['TOLLGATE_MASTER_KEY'] = 'sk-bundle-test-key';
    delete process.env['GATEWAY_CONFIG'];
    installLambdaShim();
    const { handler } = await import(pathToFileURL(join(OUT, 'index.mjs')).href) as { handler: unknown };
    const { stream, result } = invokeStreaming(handler, apiGatewayEvent({
      headers: { Authorization: 'Bearer sk-bundle-test-key' },
      body: { model: 'mock', stream: true, messages: [{ role: 'user', content: 'bundled?' }] },
    }), lambdaContext());
    await result;
    expect(stream.prelude!.statusCode).toBe(200);
    expect(stream.prelude!.headers['content-type']).toContain('text/event-stream');
    expect(stream.body).toContain('"content":"bundled?"');
    expect(stream.body.trim().endsWith('data: [DONE]')).toBe(true);
    expect(statSync(join(OUT, 'index.mjs')).size).toBeGreaterThan(0);
  });

  // Each import below is paid by every cold start, and Node loads static imports before the handler runs.
  it('imports at load only the AWS SDK clients a deployed instance needs on its first request', () => {
    const sdkImports = (kind: string) => [...new Set(bundle.imports.filter((i) => i.kind === kind && i.path.startsWith('@aws-sdk/')).map((i) => i.path))].sort();
    // The key and spend table (TOLLGATE_TABLE) and the secret (TOLLGATE_SECRET_ID) are read on the first request.
    expect(sdkImports('import-statement')).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-secrets-manager', '@aws-sdk/lib-dynamodb']);
    // Bedrock when a Bedrock deployment is first called; SNS when the first budget alert is sent.
    expect(sdkImports('dynamic-import')).toEqual(['@aws-sdk/client-bedrock-runtime', '@aws-sdk/client-sns']);
  });

  it("leaves out zod's translations: zod is imported as a namespace (import * as z), which esbuild can tree-shake", () => {
    const zod = Object.keys(bundle.inputs).filter((path) => path.includes('node_modules/zod/'));
    expect(zod.length).toBeGreaterThan(0);
    expect(zod.filter((path) => path.includes('/locales/') && !path.endsWith('/en.js'))).toEqual([]);
  });
});
