// The gateway Lambda as the stack ships it: bundled by esbuild (ESM, minified, node24, the SDK left to
// the runtime, the createRequire banner), loaded fresh, answering an API Gateway event through the
// response-stream shim.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { apiGatewayEvent, lambdaContext } from '../helpers/apigw-events.ts';
import { installLambdaShim, invokeStreaming } from '../helpers/lambda-stream-shim.ts';

// Inside node_modules, so the bundle's external @aws-sdk/* imports resolve as they do in the runtime.
const OUT = resolve('node_modules/.cache/tollgate-bundle-test');

describe('bundled gateway handler', () => {
  it('loads and answers a chat request streamed through API Gateway', async () => {
    mkdirSync(OUT, { recursive: true });
    await build({
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
    });
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
});
