// The Lambdas as the stack ships them: bundled by esbuild (ESM, minified, node24, the SDK left to
// the runtime, the createRequire banner), loaded fresh, answering an API Gateway event through the
// response-stream shim; and what its cold start loads (docs/BENCHMARKS.md).
import { execSync } from 'node:child_process';
import { copyFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPORTERS_IMPORT, exportersBundleCommands } from '../../infra/exporters-bundle.ts';
import { PRICE_FILE } from '../../shared/pricing/price-table.ts';
import { apiGatewayEvent, lambdaContext } from '../helpers/apigw-events.ts';
import { installLambdaShim, invokeStreaming } from '../helpers/lambda-stream-shim.ts';

// Inside node_modules, so the bundle's external @aws-sdk/* imports resolve as they do in the runtime.
const OUT = resolve('node_modules/.cache/tollgate-bundle-test');

describe('bundled Lambda handlers', () => {
  let bundle: Metafile['outputs'][string];
  let bundles: Array<[string, Metafile['outputs'][string]]>;
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    const { metafile } = await build({
      entryPoints: { index: 'functions/gateway/handler.ts', admin: 'functions/admin/handler.ts' },
      outdir: OUT,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      minify: true,
      external: ['@aws-sdk/*', EXPORTERS_IMPORT],
      banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
      logLevel: 'silent',
      metafile: true,
    });
    const output = (name: string) => metafile.outputs[join(OUT, name).slice(process.cwd().length + 1)]!;
    bundle = output('index.mjs');
    // As the stack ships them: the exporters' file and its package.json, and the price table, beside the bundles, before anything loads.
    for (const command of exportersBundleCommands(OUT)) execSync(command, { stdio: 'inherit' });
    copyFileSync(join('shared/pricing', PRICE_FILE), join(OUT, PRICE_FILE));
    bundles = [
      ['gateway', bundle],
      ['admin', output('admin.mjs')],
    ];
  });

  it('loads and answers a chat request streamed through API Gateway', async () => {
    // Beside the bundle, as the stack puts it (infra/deployed-config.ts).
    writeFileSync(
      join(OUT, 'gateway.config.json'),
      JSON.stringify({ model_list: [{ model_name: 'mock', litellm_params: { model: 'mock/x' } }], general_settings: { master_key: 'os.environ/TOLLGATE_MASTER_KEY' } }),
    );
    process.env['TOLLGATE_MASTER_KEY'] = 'sk-bundle-test-key';
    delete process.env['GATEWAY_CONFIG'];
    installLambdaShim();
    const { handler } = (await import(pathToFileURL(join(OUT, 'index.mjs')).href)) as { handler: unknown };
    const { stream, result } = invokeStreaming(
      handler,
      apiGatewayEvent({
        headers: { Authorization: 'Bearer sk-bundle-test-key' },
        body: { model: 'mock', stream: true, messages: [{ role: 'user', content: 'bundled?' }] },
      }),
      lambdaContext(),
    );
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
    // Bedrock (its Agent Runtime for rerank) and SageMaker when such a deployment is first called; SNS when the first budget alert is sent.
    expect(sdkImports('dynamic-import')).toEqual(['@aws-sdk/client-bedrock-agent-runtime', '@aws-sdk/client-bedrock-runtime', '@aws-sdk/client-sagemaker-runtime', '@aws-sdk/client-sns']);
  });

  it('leaves the exporters out, imported only when a callback is first used', () => {
    for (const [name, output] of bundles) {
      const imports = output.imports.filter((i) => i.path === EXPORTERS_IMPORT);
      expect(
        imports.map((i) => i.kind),
        name,
      ).toEqual(['dynamic-import', 'dynamic-import']);
      const packages = packagesIn(output);
      for (const pkg of ['prom-client', '@opentelemetry/api', '@opentelemetry/sdk-trace']) expect(packages.has(pkg), `${name}: ${pkg}`).toBe(false);
      expect(
        Object.keys(output.inputs).filter((path) => /shared\/observability\/(prometheus|otel|langfuse|s3-logs|generic-api)\.ts$/.test(path)),
        name,
      ).toEqual([]);
    }
  });

  it('runs the exporters from the file the stack bundles beside the handler', async () => {
    // A second copy of the handler, so that importing it builds a gateway from a config with callbacks.
    writeFileSync(
      join(OUT, 'callbacks.config.json'),
      JSON.stringify({
        model_list: [{ model_name: 'mock', litellm_params: { model: 'mock/x' } }],
        litellm_settings: { callbacks: ['prometheus'] },
        general_settings: { master_key: 'os.environ/TOLLGATE_MASTER_KEY' },
      }),
    );
    copyFileSync(join(OUT, 'index.mjs'), join(OUT, 'with-callbacks.mjs'));
    process.env['GATEWAY_CONFIG'] = join(OUT, 'callbacks.config.json');
    const { handler } = (await import(pathToFileURL(join(OUT, 'with-callbacks.mjs')).href)) as { handler: unknown };
    delete process.env['GATEWAY_CONFIG'];
    const call = async (event: ReturnType<typeof apiGatewayEvent>) => {
      const { stream, result } = invokeStreaming(handler, event, lambdaContext());
      await result;
      return stream;
    };
    const headers = { Authorization: 'Bearer sk-bundle-test-key' };
    expect((await call(apiGatewayEvent({ headers, body: { model: 'mock', messages: [{ role: 'user', content: 'counted?' }] } }))).prelude!.statusCode).toBe(200);
    const metrics = await call(apiGatewayEvent({ method: 'GET', path: '/metrics', headers }));
    expect(metrics.prelude!.statusCode).toBe(200);
    expect(metrics.body).toMatch(/^litellm_proxy_total_requests_metric_total\{requested_model="mock",status_code="200"\} 1$/m);
  });

  it("leaves out zod's translations: zod is imported as a namespace (import * as z), which esbuild can tree-shake", () => {
    const zod = Object.keys(bundle.inputs).filter((path) => path.includes('node_modules/zod/'));
    expect(zod.length).toBeGreaterThan(0);
    expect(zod.filter((path) => path.includes('/locales/') && !path.endsWith('/en.js'))).toEqual([]);
  });

  it("carries none of the web UI's browser code (Preact, uPlot): it is built into files beside the admin bundle", () => {
    for (const [name, output] of bundles) {
      expect(packagesIn(output).has('preact'), name).toBe(false);
      expect(packagesIn(output).has('uplot'), name).toBe(false);
    }
  });

  it('carries no YAML parser: the stack hands the functions their config as JSON', () => {
    for (const [name, output] of bundles) {
      expect(packagesIn(output).has('yaml'), name).toBe(false);
      expect(packagesIn(output).has('zod'), name).toBe(true);
    }
  });

  it('holds one copy of each package (Powertools at one version, so one copy of its commons)', () => {
    for (const [name, output] of bundles) {
      const copies = [...packagesIn(output)].filter(([, roots]) => roots.size > 1);
      expect(copies, name).toEqual([]);
      expect(packagesIn(output).get('@aws-lambda-powertools/commons')?.size, name).toBe(1);
    }
  });
});

/** Each package in a bundle by name, with the folders its bundled files came from (one per copy). */
function packagesIn(output: Metafile['outputs'][string]): Map<string, Set<string>> {
  const packages = new Map<string, Set<string>>();
  for (const path of Object.keys(output.inputs)) {
    const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(path);
    if (!match) continue;
    const [, root, name] = match as unknown as [string, string, string];
    packages.set(name, (packages.get(name) ?? new Set()).add(root));
  }
  return packages;
}
