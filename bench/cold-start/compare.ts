// `npx tsx bench/cold-start/compare.ts`: the cold start of several checkouts of the project in one run,
// fresh processes taken in turns (A B A B ...), so that a before/after comparison shares the machine's
// noise, with what each bundle loads at start and who brings it (esbuild's metafile).
// COLD_TREES=label=dir[:single],... (default: this tree); `:single` bundles that tree into one file as
// the stack did before issue 24 round 3, else it is bundled as the stack bundles now (infra/lambda-bundle.ts).
// A tree's bundle is written inside it (bench/results/work/cold-compare/), so that the AWS SDK resolves
// from its node_modules as it would from the runtime. COLD_RUNS (15) processes per tree; COLD_TOP (12)
// contributors listed.
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { filesLoadedAtStart, lambdaBuildOptions } from '../../infra/lambda-bundle.ts';
import { bundleGateway, bundleSizes, buildInvoker, invokeFresh, writeBenchConfig, type BundledGateway, type Invocation } from '../cold-start.ts';
import { summarize } from '../stats.ts';
import { contributors } from './contributors.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env['COLD_RUNS'] || 15);
const TOP = Number(process.env['COLD_TOP'] || 12);

interface Tree {
  label: string;
  bundle: BundledGateway;
  runs: Invocation[];
}

function bundleTree(label: string, spec: string): Tree {
  const [dir, mode] = spec.split(':') as [string, string | undefined];
  const root = resolve(dir);
  const outDir = join(root, 'bench/results/work/cold-compare', label);
  if (mode !== 'single') return { label, bundle: bundleGateway(root, outDir), runs: [] };
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const { metafile } = buildSync({ ...lambdaBuildOptions(join(root, 'functions/gateway/handler.ts'), outDir), splitting: false });
  return { label, bundle: writeBenchConfig(outDir, metafile!), runs: [] };
}

const specs = (process.env['COLD_TREES'] ?? `current=${ROOT}`).split(',').map((entry) => entry.split('=') as [string, string]);
const trees = specs.map(([label, spec]) => bundleTree(label, spec));
const invoker = await buildInvoker(join(ROOT, 'bench/results/work'));
const [one, five, fifteen] = loadavg();
process.stderr.write(`cold-start compare: ${RUNS} runs per tree in turns, load average ${one!.toFixed(2)} / ${five!.toFixed(2)} / ${fifteen!.toFixed(2)}\n`);
for (let i = 0; i < RUNS; i++) for (const tree of trees) tree.runs.push(await invokeFresh(invoker, tree.bundle, {}));

const kb = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en-US')} KB`;
const ms = (values: number[]) => summarize(values).p50.toFixed(1);
const lines = [
  '| tree | loaded at start | gzipped | on first use | import + init ms | first event ms | process start → answer ms | CPU ms (user + sys) | runs |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
for (const tree of trees) {
  const sizes = bundleSizes(tree.bundle);
  const ok = tree.runs.filter((run) => run.ok);
  const failed = tree.runs.length - ok.length;
  lines.push(
    `| ${tree.label} | ${kb(sizes.bundleBytes)} | ${kb(sizes.bundleGzipBytes)} | ${kb(sizes.onFirstUseBytes)} | ${ms(ok.map((r) => r.importMs))} | ${ms(ok.map((r) => r.firstEventMs))} | ${ms(ok.map((r) => r.sinceProcessStartMs))} | ${ms(ok.map((r) => r.cpuMs))} | ${ok.length} (median)${failed ? `, ${failed} failed` : ''} |`,
  );
}
lines.push('');
for (const tree of trees) {
  const { atStart, onFirstUse } = filesLoadedAtStart(tree.bundle.metafile);
  const list = (files: string[]) =>
    contributors(tree.bundle.metafile, files)
      .slice(0, TOP)
      .map((c) => `${c.name} ${kb(c.bytes)}`)
      .join(', ');
  lines.push(`${tree.label}, loaded at start: ${list(atStart)}`);
  if (onFirstUse.length) lines.push(`${tree.label}, on first use: ${list(onFirstUse)}`);
}
process.stdout.write(`${lines.join('\n')}\n`);
