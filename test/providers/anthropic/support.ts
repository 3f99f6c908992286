// Shared bits of the Anthropic provider tests: fixtures, a deployment, SSE parsing of fixtures.
import type { Deployment } from '../../../shared/config/types.ts';
import type { SseEvent } from '../../../shared/http/sse-events.ts';
import { sseEvents } from '../../../shared/http/sse-events.ts';
import { fixtures, testDeployment } from '../../helpers/fixtures.ts';

export { collect, failure } from '../../helpers/fixtures.ts';
export const { fixture, fixtureJson, sseFrames } = fixtures('anthropic');
export const API_KEY = 'sk-ant-api03-secret-key-0123456789abcdef';

/** Parses an SSE fixture the way the provider does, from bytes split at odd places. */
export function fixtureEvents(name: string, pieceSize = 37): AsyncIterable<SseEvent> {
  const bytes = Buffer.from(fixture(name), 'utf8');
  async function* pieces() {
    for (let i = 0; i < bytes.length; i += pieceSize) yield bytes.subarray(i, i + pieceSize);
  }
  return sseEvents(pieces());
}

export function deployment(overrides: Partial<Deployment> = {}): Deployment {
  return testDeployment({ id: 'anthropic-test', modelName: 'claude', provider: 'anthropic', upstreamModel: 'claude-sonnet-4-5-20250929', apiKey: API_KEY, ...overrides });
}
