// The table's deployment items (shared/store/deployment-states.ts) against dynalite: a cooldown one
// instance writes reaches another within its cache second, and a shorter one never replaces a longer.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { DEPLOYMENT_STATE_CACHE_MS, DeploymentStates } from '../../shared/store/deployment-states.ts';
import { openTestStore, startDynamo } from '../helpers/identity.ts';

let dynamo: EmbeddedDynamo;
beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(() => dynamo.close());

it('shares cooldowns through the table, read through a one-second cache, the longest kept', async () => {
  let now = 1_000_000;
  const clock = () => now;
  const [a, b] = [new DeploymentStates(await openTestStore(dynamo.endpoint), clock), new DeploymentStates(await openTestStore(dynamo.endpoint), clock)];
  expect(await b!.cooldownEnds(['d1'])).toEqual(new Map([['d1', 0]]));
  await a!.coolDown('d1', now + 60_000, 'rate_limited');
  // B read d1 a moment ago: it learns of the cooldown once that read is a second old.
  expect((await b!.cooldownEnds(['d1'])).get('d1')).toBe(0);
  now += DEPLOYMENT_STATE_CACHE_MS;
  expect((await b!.cooldownEnds(['d1'])).get('d1')).toBe(1_060_000);
  // A shorter cooldown from another instance does not cut the stored one short.
  await b!.coolDown('d1', now + 5_000, 'upstream_error');
  now += DEPLOYMENT_STATE_CACHE_MS;
  expect((await a!.cooldownEnds(['d1', 'd2'])).get('d1')).toBe(1_060_000);
  expect((await b!.cooldownEnds(['d1'])).get('d1')).toBe(1_060_000);
});

it('never holds a request back on a table that does not answer: it goes on with what it last read', async () => {
  let now = 5_000_000;
  const store = await openTestStore(dynamo.endpoint);
  const states = new DeploymentStates(store, () => now);
  await states.coolDown('d3', now + 60_000, 'rate_limited');
  now += DEPLOYMENT_STATE_CACHE_MS;
  // From here on every call hangs, as on a table that stopped answering.
  (store.client as { send: unknown }).send = () => new Promise(() => {});
  expect((await states.cooldownEnds(['d3', 'd4'])).get('d3')).toBe(5_060_000);
  await states.coolDown('d4', now + 1_000, 'upstream_error');
});
