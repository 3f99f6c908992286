// The web UI's built files (ui/build.ts makes them), held in memory, and the headers every UI answer
// carries: a Content-Security-Policy that allows only this origin's own script and style files (no
// inline script or style, no framing), and no content sniffing.
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

export const UI_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface UiAsset {
  body: string;
  contentType: string;
}

/** The built files by name, each with its content type; index.html must be one. */
export function uiAssets(files: Map<string, string>): Map<string, UiAsset> {
  const assets = new Map<string, UiAsset>();
  for (const [name, body] of files) {
    const contentType = TYPES[extname(name)];
    if (contentType) assets.set(name, { body, contentType });
  }
  if (!assets.has('index.html')) throw new Error('the web UI has no index.html: build it with `npx tsx ui/build.ts DIR`');
  return assets;
}

/** The files a build wrote into `dir` (beside the admin Lambda's bundle). */
export function readUiFiles(dir: string): Map<string, string> {
  return new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}
