// Shared bits of the Gemini provider tests: fixtures and a deployment.
import type { Deployment } from '../../../shared/config/types.ts';
import { fixtures, testDeployment } from '../../helpers/fixtures.ts';

export { collect, failure } from '../../helpers/fixtures.ts';
export const { fixture, fixtureJson, sseFrames } = fixtures('gemini');
export const API_KEY = 'AIzaSyD-gemini-test-key-0123456789abcdef';

export function deployment(overrides: Partial<Deployment> = {}): Deployment {
  return testDeployment({ id: 'gemini-test', modelName: 'gemini', provider: 'gemini', upstreamModel: 'gemini-2.5-flash', apiKey: API_KEY, ...overrides });
}
