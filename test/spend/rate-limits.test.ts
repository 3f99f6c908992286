// Rate limits hold across instances: rpm, tpm and parallel requests are atomic counters on the
// key's (team's, user's) item, in fixed 60 s windows as LiteLLM counts them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { itemKeys } from '../../shared/store/table.ts';
import { sendJson, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { answerWith, ask, completion, eventually, outcome, spendConfig, startDynamo, startSpendGateway, testClock, type SpendGateway } from './support.ts';

const USAGE = { prompt_tokens: 600, completion_tokens: 500 };

let dynamo: EmbeddedDynamo;
let upstream: RecordingServer;
let a: SpendGateway;
let b: SpendGateway;
const clock = testClock(Date.parse('2026-11-25T12:00:10.000Z'));

beforeAll(async () => {
  dynamo = await startDynamo();
  upstream = await startRecordingServer();
  answerWith(upstream, USAGE, 20);
  a = await startSpendGateway(dynamo.endpoint, spendConfig(upstream.url), { now: clock.now });
  b = await startSpendGateway(dynamo.endpoint, spendConfig(upstream.url), { now: clock.now });
});
afterAll(async () => {
  await a.close();
  await b.close();
  await upstream.close();
  await dynamo.close();
});

const newKey = async (fields: Record<string, unknown>) => (await a.admin('POST', '/key/generate', fields)).body as { key: string; token: string };
const burst = (n: number, key: string, body = ask(500)) => Promise.all(Array.from({ length: n }, (_, i) => outcome((i % 2 ? a : b).client(key).chat.completions.create(body))));

describe('rate limits', () => {
  it('lets exactly rpm_limit requests through in a minute when 100 arrive at once, and 429s the rest naming the limit', async () => {
    const { key } = await newKey({ key_alias: 'rpm-key', rpm_limit: 10 });
    const results = await burst(100, key);
    expect(results.filter((r) => r.status === 200)).toHaveLength(10);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused.every((r) => r.status === 429 && r.error.type === 'rate_limit_error')).toBe(true);
    const [first] = refused;
    expect(first!.error.message).toContain('key rpm-key');
    expect(first!.error.message).toContain('rpm_limit');
    expect(Number(first!.headers!.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(first!.headers!.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(first!.headers!.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(first!.headers!.get('x-ratelimit-limit-requests')).toBe('10');

    // The next minute starts afresh.
    clock.advance(60_000);
    const { response } = await a.client(key).chat.completions.create(ask(500)).withResponse();
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('10');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('9');
  });

  it('never has more than max_parallel_requests in flight', async () => {
    let inFlight = 0;
    let most = 0;
    upstream.respond(async (_request, res) => {
      most = Math.max(most, ++inFlight);
      // Held long enough that the whole burst arrives while the first three are in flight, even on a loaded machine.
      await new Promise((resolve) => setTimeout(resolve, 800));
      inFlight--;
      sendJson(res, 200, completion(USAGE));
    });
    try {
      const { key, token } = await newKey({ max_parallel_requests: 3 });
      const results = await burst(20, key);
      expect(results.filter((r) => r.status === 200)).toHaveLength(3);
      expect(most).toBe(3);
      const refused = results.find((r) => r.status === 429)!;
      expect(refused.error.message).toContain('max_parallel_requests');
      await eventually(async () => expect((await a.store.get<Record<string, number>>(itemKeys.key(token)))!['parallel_requests']).toBe(0));
      expect((await outcome(a.client(key).chat.completions.create(ask(500)))).status).toBe(200);
    } finally {
      answerWith(upstream, USAGE, 20);
    }
  });

  it("counts tokens toward tpm_limit after each response and refuses once the minute's tokens are used", async () => {
    const { key } = await newKey({ tpm_limit: 1000 });
    const { response } = await a.client(key).chat.completions.create(ask(500)).withResponse();
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('1000');
    expect(response.headers.get('x-ratelimit-remaining-tokens')).toBe('1000');
    const refused = await eventually(async () => {
      const result = await outcome(a.client(key).chat.completions.create(ask(500)));
      expect(result.status).toBe(429);
      return result;
    });
    expect(refused.error.message).toContain('tpm_limit');
    expect(refused.headers!.get('x-ratelimit-remaining-tokens')).toBe('0');
    clock.advance(60_000);
    expect((await outcome(a.client(key).chat.completions.create(ask(500)))).status).toBe(200);
  });

  it("holds a team's rpm across its keys, and a key's per-model rpm to that model", async () => {
    await a.admin('POST', '/team/new', { team_id: 'busy-team', rpm_limit: 3 });
    const first = await newKey({ team_id: 'busy-team' });
    const second = await newKey({ team_id: 'busy-team' });
    const results = [...(await burst(3, first.key)), ...(await burst(3, second.key))];
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    expect(results.find((r) => r.status === 429)!.error.message).toContain('team busy-team');

    const { key } = await newKey({ model_rpm_limit: { 'gpt-4o': 2 } });
    expect((await burst(4, key)).filter((r) => r.status === 200)).toHaveLength(2);
    expect((await burst(2, key, { ...ask(500), model: 'gpt-4o-mini' })).filter((r) => r.status === 200)).toHaveLength(2);
  });
});
