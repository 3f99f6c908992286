// The Lambdas as the stack ships them: bundled by infra/lambda-bundle.ts (ESM split into files, minified,
// node24, the SDK left to the runtime, the createRequire banner), loaded fresh, answering API Gateway
// events through the response-stream shim; and what a cold start loads (docs/BENCHMARKS.md).
import { execSync } from 'node:child_process';
import { copyFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPORTERS_IMPORT, exportersBundleCommands } from '../../infra/exporters-bundle.ts';
import { bundleLambda, filesLoadedAtStart } from '../../infra/lambda-bundle.ts';
import { apiGatewayEvent, lambdaContext } from '../helpers/apigw-events.ts';
import { startFakeMcpServer } from '../helpers/fake-mcp-server.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { throughLambda } from '../helpers/lambda-fetch.ts';
import { installLambdaShim, invokeStreaming } from '../helpers/lambda-stream-shim.ts';

// Inside node_modules, so the bundle's external @aws-sdk/* imports resolve as they do in the runtime.
const OUT = resolve('node_modules/.cache/tollgate-bundle-test');
// Each function in a folder of its own, as the stack bundles them.
const GATEWAY = join(OUT, 'gateway');

/** Some of a function's bundled files, taken together: the sources in them and what they import. */
interface Files {
  inputs: string[];
  imports: Metafile['outputs'][string]['imports'];
}

/** A function's bundle: every file of it, and the files a cold start loads. */
interface FunctionBundle {
  all: Files;
  atStart: Files;
}

function bundleFunction(entry: string, dir: string): FunctionBundle {
  rmSync(dir, { recursive: true, force: true });
  const metafile = bundleLambda(entry, dir);
  // As the stack ships them: the exporters' file and its package.json beside the bundle, before anything loads.
  for (const command of exportersBundleCommands(dir)) execSync(command, { stdio: 'inherit' });
  const { atStart, onFirstUse } = filesLoadedAtStart(metafile);
  const files = (paths: string[]): Files => ({
    inputs: paths.flatMap((path) => Object.keys(metafile.outputs[path]!.inputs)),
    imports: paths.flatMap((path) => metafile.outputs[path]!.imports),
  });
  return { all: files([...atStart, ...onFirstUse]), atStart: files(atStart) };
}

describe('bundled Lambda handlers', () => {
  let gateway: FunctionBundle;
  let bundles: Array<[string, FunctionBundle]>;
  beforeAll(() => {
    gateway = bundleFunction('functions/gateway/handler.ts', GATEWAY);
    bundles = [
      ['gateway', gateway],
      ['admin', bundleFunction('functions/admin/handler.ts', join(OUT, 'admin'))],
    ];
  });

  it('loads and answers a chat request streamed through API Gateway', async () => {
    // Beside the bundle, as the stack puts it (infra/deployed-config.ts).
    writeFileSync(
      join(GATEWAY, 'gateway.config.json'),
      JSON.stringify({ model_list: [{ model_name: 'mock', litellm_params: { model: 'mock/x' } }], general_settings: { master_key: 'os.environ/TOLLGATE_MASTER_KEY' } }),
    );
    process.env['TOLLGATE_MASTER_KEY'] = 'sk-bundle-test-key';
    delete process.env['GATEWAY_CONFIG'];
    installLambdaShim();
    const { handler } = (await import(pathToFileURL(join(GATEWAY, 'index.mjs')).href)) as { handler: unknown };
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
    expect(statSync(join(GATEWAY, 'index.mjs')).size).toBeGreaterThan(0);
  });

  // Each import below is paid by every cold start, and Node loads static imports before the handler runs.
  it('imports at load only the AWS SDK clients a deployed instance needs on its first request', () => {
    const sdk = (files: Files, kind?: string) => [...new Set(files.imports.filter((i) => (!kind || i.kind === kind) && i.path.startsWith('@aws-sdk/')).map((i) => i.path))].sort();
    const atStart = sdk(gateway.atStart, 'import-statement');
    // The key and spend table (TOLLGATE_TABLE) and the secret (TOLLGATE_SECRET_ID) are read on the first request.
    expect(atStart).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-secrets-manager', '@aws-sdk/lib-dynamodb']);
    // Bedrock (its Agent Runtime for rerank) and SageMaker when such a deployment is first called; SNS when the first budget alert is sent.
    expect(sdk(gateway.all).filter((path) => !atStart.includes(path))).toEqual([
      '@aws-sdk/client-bedrock-agent-runtime',
      '@aws-sdk/client-bedrock-runtime',
      '@aws-sdk/client-sagemaker-runtime',
      '@aws-sdk/client-sns',
    ]);
  });

  // Split into files (infra/lambda-bundle.ts): code behind an `await import()` is a file a cold start never reads.
  it("loads optional features' packages on first use only: the MCP SDK (and its JSON-schema validator), JWT auth's jose, Polly's SigV4 signer, the upload parser", () => {
    const atStart = packagesIn(gateway.atStart);
    const all = packagesIn(gateway.all);
    for (const pkg of ['@modelcontextprotocol/sdk', 'ajv', 'jose', '@smithy/signature-v4', 'busboy']) {
      expect(all.has(pkg), pkg).toBe(true);
      expect(atStart.has(pkg), pkg).toBe(false);
    }
  });

  // The stack routes the admin API, model management and the UI to the admin function (ADMIN_PREFIXES).
  it('leaves the admin API, model management and the web UI but the playground out of the gateway function: the admin function serves them', () => {
    // admin-route.ts is the JSON helper the routes both functions serve use too (/spend, /cache).
    const adminOnly = (files: Files) => files.inputs.filter((path) => /shared\/(admin-api\.ts|endpoints\/admin\/(?!admin-route\.ts)|ui\/|keys\/service\.ts)/.test(path));
    // Except the playground's chat, which the gateway function streams: its route, the session cookie's check and the body parser it shares with the admin routes.
    const playground = ['ui/playground-api.ts', 'ui/playground.ts', 'ui/session-authenticator.ts', 'ui/session-cookies.ts', 'ui/same-origin.ts', 'endpoints/admin/fields.ts'];
    expect(adminOnly(gateway.all).filter((path) => !playground.some((file) => path.endsWith(`shared/${file}`)))).toEqual([]);
    const admin = bundles.find(([name]) => name === 'admin')![1];
    expect(adminOnly(admin.atStart)).toEqual(expect.arrayContaining([expect.stringContaining('shared/endpoints/admin/keys.ts'), expect.stringContaining('shared/ui/ui-routes.ts')]));
  });

  it('leaves the exporters out, imported only when a callback is first used', () => {
    for (const [name, { all }] of bundles) {
      const imports = all.imports.filter((i) => i.path === EXPORTERS_IMPORT);
      expect(
        imports.map((i) => i.kind),
        name,
      ).toEqual(['dynamic-import', 'dynamic-import']);
      const packages = packagesIn(all);
      for (const pkg of ['prom-client', '@opentelemetry/api', '@opentelemetry/sdk-trace']) expect(packages.has(pkg), `${name}: ${pkg}`).toBe(false);
      expect(
        all.inputs.filter((path) => /shared\/observability\/(prometheus|otel|langfuse|s3-logs|generic-api)\.ts$/.test(path)),
        name,
      ).toEqual([]);
    }
  });

  it('runs the exporters from the file the stack bundles beside the handler', async () => {
    // A second copy of the handler, so that importing it builds a gateway from a config with callbacks.
    writeFileSync(
      join(GATEWAY, 'callbacks.config.json'),
      JSON.stringify({
        model_list: [{ model_name: 'mock', litellm_params: { model: 'mock/x' } }],
        litellm_settings: { callbacks: ['prometheus'] },
        general_settings: { master_key: 'os.environ/TOLLGATE_MASTER_KEY' },
      }),
    );
    copyFileSync(join(GATEWAY, 'index.mjs'), join(GATEWAY, 'with-callbacks.mjs'));
    process.env['GATEWAY_CONFIG'] = join(GATEWAY, 'callbacks.config.json');
    const { handler } = (await import(pathToFileURL(join(GATEWAY, 'with-callbacks.mjs')).href)) as { handler: unknown };
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

  // The MCP SDK is imported on the first MCP request, and brings its own imports of zod (zod/v4, zod/v3,
  // zod/v4-mini) into the bundle beside the gateway's: this runs the bundled SDK, not the source.
  it('serves /mcp and MCP tools in a chat request from the bundle, loading the MCP SDK on first use', async () => {
    const [alpha, upstream] = await Promise.all([
      startFakeMcpServer('alpha'),
      startFakeOpenAI({ apiKey: 'sk-fake-openai-bundle', models: { 'gpt-4o-mini': { maxOutputTokens: 16384, reasoning: false } } }),
    ]);
    const client = new Client({ name: 'bundle-test-client', version: '1.0.0' });
    try {
      writeFileSync(
        join(GATEWAY, 'mcp.config.json'),
        JSON.stringify({
          model_list: [{ model_name: 'gpt', litellm_params: { model: 'openai/gpt-4o-mini', api_base: `${upstream.url}/v1`, api_key: 'sk-fake-openai-bundle' } }],
          general_settings: { master_key: 'os.environ/TOLLGATE_MASTER_KEY' },
          mcp_servers: { alpha: { url: alpha.url } },
        }),
      );
      copyFileSync(join(GATEWAY, 'index.mjs'), join(GATEWAY, 'with-mcp.mjs'));
      process.env['GATEWAY_CONFIG'] = join(GATEWAY, 'mcp.config.json');
      const { handler } = (await import(pathToFileURL(join(GATEWAY, 'with-mcp.mjs')).href)) as { handler: unknown };
      delete process.env['GATEWAY_CONFIG'];
      const authorization = 'Bearer sk-bundle-test-key';

      const url = new URL('https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/mcp/alpha');
      await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization } }, fetch: throughLambda(handler) }));
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('add');
      expect(await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } })).toMatchObject({ content: [{ type: 'text', text: '5' }] });

      const mcpTool = { type: 'mcp', server_url: 'litellm_proxy/mcp/alpha', require_approval: 'never' };
      const body = { model: 'gpt', messages: [{ role: 'user', content: 'Add them. [[call alpha-add {"a": 20, "b": 22}]]' }], tools: [mcpTool] };
      const { stream, result } = invokeStreaming(handler, apiGatewayEvent({ headers: { Authorization: authorization }, body }), lambdaContext());
      await result;
      expect(stream.prelude!.statusCode).toBe(200);
      expect(JSON.parse(stream.body).choices[0].message.content).toBe('tool said: 42');
      expect(alpha.calls.map((call) => call.args)).toEqual([
        { a: 2, b: 3 },
        { a: 20, b: 22 },
      ]);
    } finally {
      await client.close();
      await Promise.all([alpha.close(), upstream.close()]);
    }
  });

  it("leaves out zod's translations: zod is imported as a namespace (import * as z), which esbuild can tree-shake", () => {
    const zod = gateway.all.inputs.filter((path) => path.includes('node_modules/zod/'));
    expect(zod.length).toBeGreaterThan(0);
    expect(zod.filter((path) => path.includes('/locales/') && !path.endsWith('/en.js'))).toEqual([]);
  });

  it("carries none of the web UI's browser code (Preact, uPlot): it is built into files beside the admin bundle", () => {
    for (const [name, { all }] of bundles) {
      expect(packagesIn(all).has('preact'), name).toBe(false);
      expect(packagesIn(all).has('uplot'), name).toBe(false);
    }
  });

  it('carries no YAML parser: the stack hands the functions their config as JSON', () => {
    for (const [name, { all }] of bundles) {
      expect(packagesIn(all).has('yaml'), name).toBe(false);
      expect(packagesIn(all).has('zod'), name).toBe(true);
    }
  });

  it('holds one copy of each package (Powertools at one version, so one copy of its commons)', () => {
    for (const [name, { all }] of bundles) {
      const copies = [...packagesIn(all)].filter(([, roots]) => roots.size > 1);
      expect(copies, name).toEqual([]);
      expect(packagesIn(all).get('@aws-lambda-powertools/commons')?.size, name).toBe(1);
    }
  });
});

/** Each package in some bundled files by name, with the folders its bundled files came from (one per copy). */
function packagesIn(files: Files): Map<string, Set<string>> {
  const packages = new Map<string, Set<string>>();
  for (const path of files.inputs) {
    const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(path);
    if (!match) continue;
    const [, root, name] = match as unknown as [string, string, string];
    packages.set(name, (packages.get(name) ?? new Set()).add(root));
  }
  return packages;
}
