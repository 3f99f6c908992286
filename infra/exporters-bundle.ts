// The exporters (shared/observability/exporters.ts, imported by the gateway as `#exporters` the first
// time a callback is used) and the packages they use, bundled into exporters.mjs beside a Lambda
// bundle, with the package.json that maps `#exporters` to it there. The Lambda bundles themselves
// leave `#exporters` out: a gateway without callbacks neither holds nor loads any of it
// (docs/BENCHMARKS.md measures that).
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
export const EXPORTERS_IMPORT = '#exporters';
export const EXPORTERS_FILE = 'exporters.mjs';

/** Shell commands that write exporters.mjs and the package.json mapping `#exporters` to it into `outputDir`. */
export function exportersBundleCommands(outputDir: string): string[] {
  const esbuild = resolve(ROOT, 'node_modules/.bin/esbuild');
  const entry = resolve(ROOT, 'shared/observability/exporters.ts');
  const banner = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";
  const packageJson = JSON.stringify({ imports: { [EXPORTERS_IMPORT]: `./${EXPORTERS_FILE}` } });
  return [
    `"${esbuild}" "${entry}" --bundle --platform=node --format=esm --target=node24 --minify --external:@aws-sdk/* --banner:js="${banner}" --outfile="${outputDir}/${EXPORTERS_FILE}" --log-level=warning`,
    `echo '${packageJson}' > "${outputDir}/package.json"`,
  ];
}
