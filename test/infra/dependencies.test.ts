// What the functions run on, as package-lock.json resolves it: one copy of each package the product
// depends on (two copies of Powertools' commons or of an AWS SDK package are two sets of module state and
// twice the code to load), and the Powertools packages and the AWS SDK clients each at one version.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  version: string;
  dev?: boolean;
}

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockEntry> };
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };

describe('the dependencies', () => {
  it('hold one copy of each package outside the dev tools', () => {
    const copies = new Map<string, string[]>();
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (!path || entry.dev) continue;
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      copies.set(name, [...(copies.get(name) ?? []), `${path}@${entry.version}`]);
    }
    expect([...copies.values()].filter((paths) => paths.length > 1)).toEqual([]);
    expect(copies.has('@aws-lambda-powertools/commons')).toBe(true);
  });

  it('pin the Powertools packages at one version, and the AWS SDK clients at another', () => {
    const versions = (prefix: string) =>
      new Set(
        Object.entries(manifest.dependencies)
          .filter(([name]) => name.startsWith(prefix))
          .map(([, version]) => version),
      );
    expect([...versions('@aws-lambda-powertools/')]).toHaveLength(1);
    expect([...versions('@aws-sdk/')]).toHaveLength(1);
    for (const version of [...versions('@aws-lambda-powertools/'), ...versions('@aws-sdk/')]) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
