// Shared bits of the Gemini provider tests: fixtures, a deployment, chunk collection.
import { readFileSync } from 'node:fs';
import type { Deployment } from '../../../shared/config/types.ts';
import type { ChatCompletionChunk } from '../../../shared/openai/types.ts';

export const API_KEY = 'AIzaSyD-gemini-test-key-0123456789abcdef';

export const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/gemini/${name}`, import.meta.url), 'utf8');
export const fixtureJson = <T = any>(name: string): T => JSON.parse(fixture(name)) as T;
/** An SSE fixture as the events a server writes, one by one. */
export const sseFrames = (name: string): string[] => fixture(name).split('\n\n').filter((e) => e.trim()).map((e) => `${e}\n\n`);

export function deployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 'gemini-test',
    modelName: 'gemini',
    provider: 'gemini',
    upstreamModel: 'gemini-2.5-flash',
    apiKey: API_KEY,
    timeoutMs: 5_000,
    extraHeaders: {},
    params: {},
    modelInfo: {},
    ...overrides,
  };
}

export async function collect(chunks: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const out: ChatCompletionChunk[] = [];
  for await (const chunk of chunks) out.push(chunk);
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
