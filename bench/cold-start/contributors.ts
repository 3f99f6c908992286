// Who brings what into a bundle, from esbuild's metafile: bytes of output per npm package, and per area
// of the project (shared/<area>, functions/<name>), over the output files given.
import type { Metafile } from 'esbuild';

/** Largest first. */
export function contributors(metafile: Metafile, files: readonly string[]): Array<{ name: string; bytes: number }> {
  const bytes = new Map<string, number>();
  for (const file of files) {
    for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[file]?.inputs ?? {})) {
      const name = contributorOf(input);
      bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes].map(([name, total]) => ({ name, bytes: total })).sort((a, b) => b.bytes - a.bytes);
}

function contributorOf(input: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (pkg) return pkg[1]!;
  const area = /(?:^|\/)((?:shared|functions|infra)\/[^/]+)/.exec(input);
  return area ? area[1]! : input;
}
