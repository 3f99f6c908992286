// Builds the web UI (ui/app.tsx, Preact and uPlot) into index.html, app.js and app.css, minified. `npm
// start`'s server builds it in memory when it is first asked for, the tests do too, and the stack
// writes it beside the admin Lambda's bundle at synth time (infra/ui-bundle.ts). Nothing built is committed.
//   npx tsx ui/build.ts OUTDIR
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';

const HERE = import.meta.dirname;

/** The UI's files by name. */
export async function buildUi(): Promise<Map<string, string>> {
  const result = await build({
    entryPoints: { app: join(HERE, 'app.tsx') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: 'out',
    write: false,
    logLevel: 'warning',
  });
  const files = new Map(result.outputFiles.map((file) => [basename(file.path), file.text]));
  files.set('index.html', readFileSync(join(HERE, 'index.html'), 'utf8'));
  return files;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const outdir = process.argv[2];
  if (!outdir) {
    process.stderr.write('usage: tsx ui/build.ts OUTDIR\n');
    process.exit(2);
  }
  mkdirSync(outdir, { recursive: true });
  for (const [name, text] of await buildUi()) writeFileSync(join(outdir, name), text);
}
