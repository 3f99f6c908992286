// Item 4: the gateway Lambda bundled as infra/tollgate-stack.ts bundles it (infra/lambda-bundle.ts:
// esbuild, ESM, split into files, minified, external source maps, target node24, `@aws-sdk/*` left to the
// runtime and `#exporters` bundled beside it), the size of what a cold start loads and of what is loaded
// on first use, and fresh Node processes that load it and answer one event.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { bundleLambda, filesLoadedAtStart, LAMBDA_ENTRY_FILE } from '../infra/lambda-bundle.ts';
import { PRICE_FILE } from '../shared/pricing/price-table.ts';
import { summarize, type Summary } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MASTER_KEY = 'sk-bench-cold-start';

export interface ColdStartResult {
  /** The files a cold start loads: index.mjs and the files it imports statically. */
  bundleBytes: number;
  bundleGzipBytes: number;
  /** The files loaded on first use of a feature (MCP, JWT auth, ...), never at cold start. */
  onFirstUseBytes: number;
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
  /** User + system CPU of the whole process, start to answer: the steadier number on a loaded machine. */
  cpuMs: Summary;
  /** The same with NODE_OPTIONS=--enable-source-maps: what the flag would cost (the stack leaves it off). */
  readyWithSourceMapsMs: Summary;
}

/** A gateway Lambda bundled into `outDir`, with the config a bench instance serves beside it. */
export interface BundledGateway {
  dir: string;
  handler: string;
  configPath: string;
  metafile: Metafile;
}

/** Bundles `root`'s gateway handler into `outDir` (emptied first), as the stack does, with the bench's config beside it. */
export function bundleGateway(root: string, outDir: string): BundledGateway {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const metafile = bundleLambda(join(root, 'functions/gateway/handler.ts'), outDir);
  // bundleLambda put this checkout's price table beside it; another checkout's own goes over it (a tree from before the table was a file bundles it).
  const prices = join(root, 'shared/pricing', PRICE_FILE);
  if (existsSync(prices)) copyFileSync(prices, join(outDir, PRICE_FILE));
  return writeBenchConfig(outDir, metafile);
}

/** The config the bench's instance serves, as the stack ships one: JSON beside the bundle (infra/deployed-config.ts). */
export function writeBenchConfig(dir: string, metafile: Metafile): BundledGateway {
  const configPath = join(dir, 'gateway.config.json');
  writeFileSync(configPath, JSON.stringify({ model_list: [{ model_name: 'mock', litellm_params: { model: 'mock/tollgate-mock' } }], general_settings: { master_key: MASTER_KEY } }));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(metafile));
  return { dir, handler: join(dir, LAMBDA_ENTRY_FILE), configPath, metafile };
}

/** bench/cold-start/invoke-once.ts as plain JavaScript in `dir`, so that loading it costs next to nothing. */
export async function buildInvoker(dir: string): Promise<string> {
  const invoker = join(dir, 'invoke-once.mjs');
  await build({ entryPoints: [join(ROOT, 'bench/cold-start/invoke-once.ts')], outfile: invoker, platform: 'node', format: 'esm', target: 'node24', logLevel: 'warning' });
  return invoker;
}

/** Sizes of a bundle: what a cold start loads (and gzipped), what is loaded on first use, and the source maps. */
export function bundleSizes(bundle: BundledGateway): Pick<ColdStartResult, 'bundleBytes' | 'bundleGzipBytes' | 'onFirstUseBytes' | 'sourceMapBytes'> {
  const { atStart, onFirstUse } = filesLoadedAtStart(bundle.metafile);
  const cwd = process.cwd();
  const read = (path: string) => readFileSync(join(cwd, path));
  const loaded = Buffer.concat(atStart.map(read));
  const size = (paths: string[]) => paths.reduce((total, path) => total + statSync(join(cwd, path)).size, 0);
  return {
    bundleBytes: loaded.length,
    bundleGzipBytes: gzipSync(loaded).length,
    onFirstUseBytes: size(onFirstUse),
    sourceMapBytes: size([...atStart, ...onFirstUse].map((path) => `${path}.map`).filter((path) => existsSync(join(cwd, path)))),
  };
}

export async function measureColdStart(workDir: string, runs: number): Promise<ColdStartResult> {
  // Inside the project, so the external @aws-sdk/* imports resolve from node_modules as they would from the runtime.
  const bundle = bundleGateway(ROOT, join(workDir, 'cold-start'));
  const invoker = await buildInvoker(workDir);

  const plain: Invocation[] = [];
  const withMaps: Invocation[] = [];
  for (let i = 0; i < runs; i++) {
    plain.push(await invokeFresh(invoker, bundle, {}));
    withMaps.push(await invokeFresh(invoker, bundle, { NODE_OPTIONS: '--enable-source-maps' }));
  }
  const good = plain.filter((run) => run.ok);
  return {
    ...bundleSizes(bundle),
    runs,
    errors: plain.length - good.length + withMaps.filter((run) => !run.ok).length,
    bootMs: summarize(good.map((run) => run.bootMs)),
    importMs: summarize(good.map((run) => run.importMs)),
    firstEventMs: summarize(good.map((run) => run.firstEventMs)),
    readyMs: summarize(good.map((run) => run.sinceProcessStartMs)),
    cpuMs: summarize(good.map((run) => run.cpuMs)),
    readyWithSourceMapsMs: summarize(withMaps.filter((run) => run.ok).map((run) => run.sinceProcessStartMs)),
  };
}

export interface Invocation {
  bootMs: number;
  importMs: number;
  firstEventMs: number;
  sinceProcessStartMs: number;
  cpuMs: number;
  ok: boolean;
}

/** A fresh Node process that loads the bundle and answers one event, as a cold Lambda instance does. */
export async function invokeFresh(invoker: string, bundle: BundledGateway, extraEnv: Record<string, string>): Promise<Invocation> {
  const child = spawn(process.execPath, [invoker, bundle.handler, MASTER_KEY], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env['PATH'],
      GATEWAY_CONFIG: bundle.configPath,
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
