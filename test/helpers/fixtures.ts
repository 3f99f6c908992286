// Reading recorded provider fixtures (test/fixtures/<provider>/) and the small helpers provider tests share.
import { readFileSync } from 'node:fs';
import type { Deployment } from '../../shared/config/types.ts';

export function fixtures(provider: string) {
  const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${provider}/${name}`, import.meta.url), 'utf8');
  return {
    fixture,
    fixtureJson: <T = any>(name: string): T => JSON.parse(fixture(name)) as T,
    /** An SSE fixture as the events a server writes, one by one. */
    sseFrames: (name: string): string[] =>
      fixture(name)
        .split('\n\n')
        .filter((e) => e.trim())
        .map((e) => `${e}\n\n`),
  };
}

/** A deployment as the config loader would make it, for driving a provider directly. */
export function testDeployment(base: Pick<Deployment, 'id' | 'modelName' | 'provider' | 'upstreamModel'> & Partial<Deployment>): Deployment {
  return { timeoutMs: 5_000, maxResponseBytes: 1024 * 1024, extraHeaders: {}, params: {}, modelInfo: {}, ...base };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Runs a promise that must fail and hands back what it threw. */
export async function failure(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}
