// The exact response cache on /v1/chat/completions, through the official `openai` client against a
// fake upstream that numbers its answers: hits and misses counted by the upstream, LiteLLM's per-request
// controls and the Cache-Control header, TTL expiry on the test's clock, namespaces, the isolation of
// teams and keys, streams replayed and stored only whole, the 400 KB item limit, and hits in the ledger.
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { addressOf } from '../../shared/cache/cache-key.ts';
import { CacheEntries, MAX_CACHED_BYTES } from '../../shared/store/cache-entries.ts';
import { eventually, outcome } from '../spend/support.ts';
import { answerText, COST, cacheSuite, MASTER, USAGE } from './support.ts';

let counter = 0;
/** A question no earlier test asked: each test starts from an empty cache for it. */
let question: string;

const suite = cacheSuite('{ type: redis, host: localhost, port: 6379, ttl: 600 }');
beforeEach(() => {
  counter += 1;
  question = `question ${counter} at ${Date.now()}`;
  suite.upstream.cutStreamsAfter(undefined);
  suite.upstream.answerWith(undefined);
});

const ask = (extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o', messages: [{ role: 'user' as const, content: question }], ...extra });

async function complete(extra: Record<string, unknown> = {}, key = MASTER, headers: Record<string, string> = {}) {
  const { data, response } = await suite.gateway
    .client(key)
    .chat.completions.create(ask(extra) as any, { headers })
    .withResponse();
  lastKey = response.headers.get('x-litellm-cache-key');
  return { content: data.choices[0]!.message.content, data, cache: response.headers.get('x-tollgate-cache'), key: lastKey, headers: response.headers };
}

/** The cache key of the last answer. */
let lastKey: string | null = null;

/**
 * Waits for the last answer's entry to be in the table (a miss is stored after its response), for 2 s
 * at most: answers that are not stored (no-store, cut short) take that long, and no longer.
 */
async function stored(): Promise<void> {
  const address = lastKey ? addressOf(lastKey) : undefined;
  const entries = new CacheEntries(suite.gateway.store);
  for (const until = Date.now() + 2000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 20))) {
    if (address && (await entries.get([address], suite.gateway.clock.now()))[0]) return;
  }
}

describe('the exact cache on chat', () => {
  it('answers a repeated request from the cache without calling the upstream, and says so', async () => {
    const before = suite.upstream.chats();
    const first = await complete();
    expect(first.cache).toBe('miss');
    expect(first.key).toMatch(/^[0-9a-f]{64}$/);
    await stored();
    const second = await complete();
    expect(second).toMatchObject({ cache: 'hit', key: first.key, content: first.content });
    expect(second.data.usage).toMatchObject({ prompt_tokens: USAGE.prompt_tokens, completion_tokens: USAGE.completion_tokens });
    expect(suite.upstream.chats() - before).toBe(1);
  });

  it('keys on what changes the answer: the model parameters, not the stream flag, user or metadata, nor the order of fields', async () => {
    const first = await complete({ temperature: 0.7 });
    await stored();
    const before = suite.upstream.chats();
    expect((await complete({ temperature: 0.7, user: 'someone', metadata: { trace: 'x' } })).cache).toBe('hit');
    expect((await complete({ temperature: 0.2 })).cache).toBe('miss');
    expect((await complete({ temperature: 0.7, max_tokens: 50 })).cache).toBe('miss');
    expect((await complete({ temperature: 0.7, tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] })).cache).toBe('miss');
    expect(suite.upstream.chats() - before).toBe(3);
    // The same request written with its fields in another order.
    const reordered = await suite.gateway.client().chat.completions.create({ temperature: 0.7, messages: [{ content: question, role: 'user' }], model: 'gpt-4o' } as any);
    expect(reordered.choices[0]!.message.content).toBe(first.content);
  });

  it('replays a cached answer to a streamed request as a stream with the live content, the usage chunk when asked', async () => {
    const { data: live, response: liveResponse } = await suite.gateway
      .client()
      .chat.completions.create({ ...ask(), stream: true, stream_options: { include_usage: true } })
      .withResponse();
    lastKey = liveResponse.headers.get('x-litellm-cache-key');
    let liveText = '';
    for await (const chunk of live) liveText += chunk.choices[0]?.delta.content ?? '';
    expect(liveText).toBe(answerText(suite.upstream.chats()));
    await stored();
    const before = suite.upstream.chats();
    const { data: replay, response } = await suite.gateway
      .client()
      .chat.completions.create({ ...ask(), stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('x-tollgate-cache')).toBe('hit');
    let text = '';
    const chunks = [];
    for await (const chunk of replay) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(liveText);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: USAGE.prompt_tokens, completion_tokens: USAGE.completion_tokens, cost: 0 } });
    expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.every((chunk) => chunk.model === 'gpt-4o')).toBe(true);
    // Without include_usage there is no usage chunk; and the whole answer serves the non-streamed request too.
    const plain = await suite.gateway.client().chat.completions.create({ ...ask(), stream: true });
    const plainChunks = [];
    for await (const chunk of plain) plainChunks.push(chunk);
    expect(plainChunks.some((chunk) => chunk.usage)).toBe(false);
    expect((await complete()).content).toBe(liveText);
    expect(suite.upstream.chats()).toBe(before);
  });

  it('never stores a stream cut short', async () => {
    suite.upstream.cutStreamsAfter(1);
    const { data: cut, response } = await suite.gateway
      .client()
      .chat.completions.create({ ...ask(), stream: true })
      .withResponse();
    lastKey = response.headers.get('x-litellm-cache-key');
    await expect(
      (async () => {
        for await (const _chunk of cut);
      })(),
    ).rejects.toThrow();
    await stored();
    suite.upstream.cutStreamsAfter(undefined);
    const before = suite.upstream.chats();
    const next = await complete();
    expect(next.cache).toBe('miss');
    expect(next.content).toBe(answerText(before + 1));
  });

  it('honours no-cache (fetch anew, store) and no-store (do not store), in the body and as Cache-Control', async () => {
    await complete();
    await stored();
    const fresh = await complete({ cache: { 'no-cache': true } });
    expect(fresh.cache).toBe('miss');
    await stored();
    // no-cache stored its fresh answer: it is what the next request gets.
    expect((await complete()).content).toBe(fresh.content);
    const header = await complete({}, MASTER, { 'cache-control': 'no-cache' });
    expect(header.cache).toBe('miss');

    question = `${question} (no-store)`;
    expect((await complete({ cache: { 'no-store': true } })).cache).toBe('miss');
    await stored();
    expect((await complete({}, MASTER, { 'cache-control': 'no-store' })).cache).toBe('miss');
    await stored();
    expect((await complete()).cache).toBe('miss');
  });

  it('honours s-maxage (only younger entries) and expires entries after their ttl, per request or from the config', async () => {
    await complete({ cache: { ttl: 100 } });
    await stored();
    suite.gateway.clock.advance(30_000);
    expect((await complete({ cache: { 's-maxage': 10 } })).cache).toBe('miss');
    // That miss stored a new entry with the config's ttl (600 s); the old one would have expired at 100 s.
    await stored();
    suite.gateway.clock.advance(90_000);
    expect((await complete({ cache: { 's-maxage': 100 } })).cache).toBe('hit');
    expect((await complete({}, MASTER, { 'cache-control': 'max-age=10' })).cache).toBe('miss');
    await stored();
    suite.gateway.clock.advance(601_000);
    // Past its ttl: DynamoDB may still hold it (dynalite never deletes), but it is not served.
    expect((await complete()).cache).toBe('miss');
  });

  it('keeps namespaces apart, and names them in the key as LiteLLM does', async () => {
    const plain = await complete();
    await stored();
    const spaced = await complete({ cache: { namespace: 'eval-run' } });
    expect(spaced.cache).toBe('miss');
    expect(spaced.key).toBe(`eval-run:${plain.key}`);
    await stored();
    expect((await complete({ cache: { namespace: 'eval-run' } })).cache).toBe('hit');
  });

  it('refuses controls of the wrong type with a 400 naming them', async () => {
    const bad = await outcome(suite.gateway.client().chat.completions.create(ask({ cache: { ttl: 'soon' } }) as any));
    expect(bad.status).toBe(400);
    expect(bad.error.message).toContain('cache.ttl');
    expect((await outcome(suite.gateway.client().chat.completions.create(ask({ cache: ['no-cache'] }) as any))).status).toBe(400);
  });

  it('does not cache answers over the item limit, and caches those just under it', async () => {
    // Random bytes do not compress: their base64 gzips back to about their own size, here either side of MAX_CACHED_BYTES (380 KB).
    const random = (bytes: number) => randomBytes(bytes).toString('base64');
    expect(MAX_CACHED_BYTES).toBe(380 * 1024);
    const large = random(400_000);
    suite.upstream.answerWith(() => large);
    expect((await complete()).content).toBe(large);
    await stored();
    expect((await complete()).cache).toBe('miss');
    question = `${question} (smaller)`;
    const small = random(370_000);
    suite.upstream.answerWith(() => small);
    await complete();
    await stored();
    const again = await complete();
    expect(again).toMatchObject({ cache: 'hit', content: small });
  });
});

describe('who reads whose entries', () => {
  it('lets keys of one team share entries, and keeps other teams and teamless keys out', async () => {
    for (const team of ['team-a', 'team-b']) expect((await suite.gateway.admin('POST', '/team/new', { team_id: team })).status).toBe(200);
    const keyOf = async (body: object) => (await suite.gateway.admin('POST', '/key/generate', body)).body.key as string;
    const [a1, a2, b, solo1, solo2] = [await keyOf({ team_id: 'team-a' }), await keyOf({ team_id: 'team-a' }), await keyOf({ team_id: 'team-b' }), await keyOf({}), await keyOf({})];
    const first = await complete({}, a1);
    await stored();
    const shared = await complete({}, a2);
    expect(shared).toMatchObject({ cache: 'hit', content: first.content, key: first.key });
    const other = await complete({}, b);
    expect(other.cache).toBe('miss');
    expect(other.key).not.toBe(first.key);
    expect((await complete({}, solo1)).cache).toBe('miss');
    await stored();
    expect((await complete({}, solo2)).cache).toBe('miss');
    expect((await complete({}, MASTER)).cache).toBe('miss');
  });

  it('holds a key to its allowed_cache_controls (403 with LiteLLM message)', async () => {
    const key = (await suite.gateway.admin('POST', '/key/generate', { allowed_cache_controls: ['no-cache'] })).body.key as string;
    expect((await complete({ cache: { 'no-cache': true } }, key)).cache).toBe('miss');
    const refused = await outcome(suite.gateway.client(key).chat.completions.create(ask({ cache: { 'no-store': true } }) as any));
    expect(refused.status).toBe(403);
    expect(refused.error.message).toBe('Not allowed to set no-store as a cache control. Contact admin to change permissions.');
    const header = await outcome(suite.gateway.client(key).chat.completions.create(ask() as any, { headers: { 'cache-control': 'no-store' } }));
    expect(header.status).toBe(403);
  });
});

describe('accounting', () => {
  it('charges a hit nothing, records it with cache_hit and its key, and still counts it toward rpm', async () => {
    const generated = (await suite.gateway.admin('POST', '/key/generate', { rpm_limit: 3 })).body;
    const miss = await complete({}, generated.key);
    await stored();
    const hit = await complete({}, generated.key);
    expect(hit.cache).toBe('hit');
    expect(hit.headers.get('x-litellm-response-cost')).toBe('0');
    const records = await eventually(async () => {
      const logs = (await suite.gateway.admin('GET', `/spend/logs?api_key=${generated.token}`)).body as any[];
      expect(logs).toHaveLength(2);
      return logs;
    });
    const byHit = Object.fromEntries(records.map((log) => [String(log.cache_hit), log]));
    expect(byHit['false']).toMatchObject({ cache_key: miss.key, spend: COST, cache_savings: 0 });
    expect(byHit['true']).toMatchObject({ cache_key: miss.key, spend: 0, cache_savings: COST, prompt_tokens: USAGE.prompt_tokens });
    const info = await eventually(async () => {
      const { body } = await suite.gateway.admin('GET', `/key/info?key=${generated.key}`);
      expect(body.info.spend).toBeCloseTo(COST, 12);
      return body;
    });
    expect(info.info.spend).toBeCloseTo(COST, 12);
    const today = new Date().toISOString().slice(0, 10);
    const [day] = (await suite.gateway.admin('GET', `/global/spend/report?start_date=${today}&end_date=${today}&group_by=api_key`)).body;
    expect(day.api_keys.find((row: any) => row.api_key === generated.token)).toMatchObject({ total_spend: COST, cache_savings: COST, cache_hits: 1 });
    // Two requests so far; the third is within the limit, the fourth (a hit too) is not.
    expect((await complete({}, generated.key)).cache).toBe('hit');
    expect((await outcome(suite.gateway.client(generated.key).chat.completions.create(ask() as any))).status).toBe(429);
  });
});
