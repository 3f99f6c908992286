// Item 4: the gateway Lambda bundled as infra/tollgate-stack.ts bundles it (NodejsFunction: esbuild, ESM,
// minified, external source map, target node24, the createRequire banner, and CDK's default externals
// for a Node 24 runtime, `@aws-sdk/*`, which the runtime provides, and `#exporters`, bundled beside it
// and loaded only when a callback is configured), its size, and fresh Node processes that load it and
// answer one event.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { EXPORTERS_IMPORT } from '../infra/exporters-bundle.ts';
import { PRICE_FILE } from '../shared/pricing/price-table.ts';
import { summarize, type Summary } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MASTER_KEY = 'sk-bench-cold-start';

export interface ColdStartResult {
  bundleBytes: number;
  bundleGzipBytes: number;
  sourceMapBytes: number;
  runs: number;
  errors: number;
  /** Process start to the handler module being importable (Node's own boot). */
  bootMs: Summary;
  /** Importing the bundle: module evaluation plus the handler's init (config, gateway). */
  importMs: Summary;
  firstEventMs: Summary;
  /** Process start to the first answer, as the process itself measures it. */
  readyMs: Summary;
  /** The same with NODE_OPTIONS=--enable-source-maps: what the flag would cost (the stack leaves it off). */
  readyWithSourceMapsMs: Summary;
}

async function bundleGateway(outDir: string): Promise<string> {
  const outfile = join(outDir, 'index.mjs');
  await build({
    entryPoints: [join(ROOT, 'functions/gateway/handler.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    sourcemap: true,
    external: ['@aws-sdk/*', EXPORTERS_IMPORT],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}

export async function measureColdStart(workDir: string, runs: number): Promise<ColdStartResult> {
  // Inside the project, so the external @aws-sdk/* imports resolve from node_modules as they would from the runtime.
  const outDir = join(workDir, 'cold-start');
  mkdirSync(outDir, { recursive: true });
  const bundle = await bundleGateway(outDir);
  // The price table beside the bundle, as the stack puts it (read on first use).
  copyFileSync(join(ROOT, 'shared/pricing', PRICE_FILE), join(outDir, PRICE_FILE));
  // As the stack bundles it: JSON, written from the YAML at synth time (infra/deployed-config.ts).
  const configPath = join(outDir, 'gateway.config.json');
  writeFileSync(configPath, JSON.stringify({ model_list: [{ model_name: 'mock', litellm_params: { model: 'mock/tollgate-mock' } }], general_settings: { master_key: MASTER_KEY } }));
  const invoker = join(outDir, 'invoke-once.mjs');
  await build({ entryPoints: [join(ROOT, 'bench/cold-start/invoke-once.ts')], outfile: invoker, platform: 'node', format: 'esm', target: 'node24', logLevel: 'warning' });

  const plain: Invocation[] = [];
  const withMaps: Invocation[] = [];
  for (let i = 0; i < runs; i++) {
    plain.push(await invokeFresh(invoker, bundle, configPath, {}));
    withMaps.push(await invokeFresh(invoker, bundle, configPath, { NODE_OPTIONS: '--enable-source-maps' }));
  }
  const good = plain.filter((run) => run.ok);
  const bundleText = readFileSync(bundle);
  return {
    bundleBytes: bundleText.length,
    bundleGzipBytes: gzipSync(bundleText).length,
    sourceMapBytes: statSync(`${bundle}.map`).size,
    runs,
    errors: plain.length - good.length + withMaps.filter((run) => !run.ok).length,
    bootMs: summarize(good.map((run) => run.bootMs)),
    importMs: summarize(good.map((run) => run.importMs)),
    firstEventMs: summarize(good.map((run) => run.firstEventMs)),
    readyMs: summarize(good.map((run) => run.sinceProcessStartMs)),
    readyWithSourceMapsMs: summarize(withMaps.filter((run) => run.ok).map((run) => run.sinceProcessStartMs)),
  };
}

interface Invocation {
  bootMs: number;
  importMs: number;
  firstEventMs: number;
  sinceProcessStartMs: number;
  ok: boolean;
}

async function invokeFresh(invoker: string, bundle: string, configPath: string, extraEnv: Record<string, string>): Promise<Invocation> {
  const child = spawn(process.execPath, [invoker, bundle, MASTER_KEY], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env['PATH'],
      GATEWAY_CONFIG: configPath,
      POWERTOOLS_SERVICE_NAME: 'tollgate-gateway',
      POWERTOOLS_METRICS_NAMESPACE: 'Tollgate',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...extraEnv,
    },
  });
  let report = '';
  let stderr = '';
  child.stdio[3]!.on('data', (chunk: Buffer) => (report += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0 || !report) throw new Error(`the cold-start process exited with ${code}: ${stderr.slice(0, 2000)}`);
  return JSON.parse(report) as Invocation;
}
