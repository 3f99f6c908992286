// The web UI's files (ui/build.ts: index.html, app.js, app.css) built into ui/ beside the admin Lambda's
// bundle, where functions/admin/handler.ts serves them from. Built at synth time from source, as
// `npm start` builds them at start: nothing built is committed.
import { resolve } from 'node:path';
import { UI_ASSETS_DIR } from '../functions/admin/ui-assets.ts';

const ROOT = resolve(import.meta.dirname, '..');

export function uiBundleCommands(outputDir: string): string[] {
  return [`"${resolve(ROOT, 'node_modules/.bin/tsx')}" "${resolve(ROOT, 'ui/build.ts')}" "${outputDir}/${UI_ASSETS_DIR}"`];
}
