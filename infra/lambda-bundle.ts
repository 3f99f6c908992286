// How each Lambda's code is bundled, in one place for the stack (infra/tollgate-stack.ts), the cold-start
// bench (bench/cold-start.ts) and the bundle test (test/infra/bundle.test.ts): esbuild, ESM, minified,
// an external source map, Node 24, the AWS SDK left to the runtime, and split into files. Splitting is
// what makes `await import()` of bundled code (the MCP SDK, JWT auth, Polly's SigV4 signer, the upload
// parser) cost nothing at cold start: each such module is a file of its own, read only when first used,
// and the code it shares with the handler a file the handler imports. A single file cannot do that
// safely: esbuild then wraps every module a dynamic import reaches in a lazy initializer, and skips the
// initializer of a package whose entry only re-exports and is marked `"sideEffects": false` (zod's):
// the bundle failed at load with "is not a constructor" (docs/BENCHMARKS.md, "Cold start, issue 24
// round 3"). Every file sits beside index.mjs, so paths taken from `import.meta.url` (the config
// beside the bundle, the UI's files, the price table) mean the same in any of them.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync, type BuildOptions, type Metafile } from 'esbuild';
import { PRICE_FILE } from '../shared/pricing/price-table.ts';
import { EXPORTERS_IMPORT } from './exporters-bundle.ts';

/** The Node 24 runtime ships AWS SDK v3; the exporters are bundled beside the handler (infra/exporters-bundle.ts). */
export const LAMBDA_EXTERNALS = ['@aws-sdk/*', EXPORTERS_IMPORT];
/** The handler the runtime loads: `index.mjs`, exporting `handler`. */
export const LAMBDA_ENTRY_FILE = 'index.mjs';

/** esbuild's options for the function whose handler is `entry`, written into `outdir`. */
export function lambdaBuildOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: { index: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    sourcemap: true,
    external: LAMBDA_EXTERNALS,
    // Bundled CommonJS dependencies call require(); ESM output has none unless we make one.
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'warning',
  };
}

/**
 * Bundles the function whose handler is `entry` into `outdir`, with the price table beside it (read on
 * first use, not parsed at cold start: shared/pricing/price-table.ts); what esbuild wrote, file by file.
 */
export function bundleLambda(entry: string, outdir: string): Metafile {
  const { metafile } = buildSync(lambdaBuildOptions(entry, outdir));
  copyFileSync(fileURLToPath(new URL(`../shared/pricing/${PRICE_FILE}`, import.meta.url)), join(outdir, PRICE_FILE));
  return metafile!;
}

/** The bundle's JavaScript files a cold start loads (the handler and the files it imports statically), and the rest, loaded on first use. */
export function filesLoadedAtStart(metafile: Metafile): { atStart: string[]; onFirstUse: string[] } {
  const outputs = Object.entries(metafile.outputs).filter(([path]) => path.endsWith('.mjs'));
  const entry = outputs.find(([path]) => path.endsWith(`/${LAMBDA_ENTRY_FILE}`) || path === LAMBDA_ENTRY_FILE)?.[0];
  const atStart = new Set<string>();
  const pending = entry ? [entry] : [];
  while (pending.length) {
    const path = pending.pop()!;
    if (atStart.has(path)) continue;
    atStart.add(path);
    for (const imported of metafile.outputs[path]!.imports) if (imported.kind === 'import-statement' && metafile.outputs[imported.path]) pending.push(imported.path);
  }
  return { atStart: [...atStart], onFirstUse: outputs.map(([path]) => path).filter((path) => !atStart.has(path)) };
}
