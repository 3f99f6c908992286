// The semantic cache (LiteLLM's redis-semantic / qdrant-semantic types) through the official `openai`
// client, on each of its stores (the table's partition scan, `npm start`'s; an Amazon S3 Vectors
// index, on a fake that checks each request's SigV4 signature): a prompt worded differently but
// similar above `similarity_threshold` is answered from the cache, one below it is not; only prompts
// with the same other parameters and in the same scope are compared; /cache/delete and
// /cache/flushall remove the prompts too. Prompts are embedded by the config's embedding model on the
// fake suite.upstream.
import { describe, expect, it } from 'vitest';
import { addressOf } from '../../shared/cache/cache-key.ts';
import { cosine } from '../../shared/store/semantic-entries.ts';
import { cacheSuite, MASTER, vectorOf } from './support.ts';

const THRESHOLD = 0.9;
const PARAMS = `{ type: redis-semantic, similarity_threshold: ${THRESHOLD}, redis_semantic_cache_embedding_model: embedder, redis_url: redis://localhost:6379 }`;

const stored = () => new Promise((resolve) => setTimeout(resolve, 300));
const similarity = (a: string, b: string) => cosine(Float32Array.from(vectorOf(`user: ${a}`)), Float32Array.from(vectorOf(`user: ${b}`)));

for (const store of ['DynamoDB', 'S3 Vectors'] as const) {
  const suite = cacheSuite(PARAMS, { vectors: store === 'S3 Vectors' });

  async function ask(content: string, extra: Record<string, unknown> = {}, key = MASTER) {
    const { data, response } = await suite.gateway
      .client(key)
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content }], ...extra } as any)
      .withResponse();
    return {
      content: data.choices[0]!.message.content,
      cache: response.headers.get('x-tollgate-cache'),
      similarity: response.headers.get('x-tollgate-cache-similarity'),
      key: response.headers.get('x-litellm-cache-key'),
    };
  }

  describe(`the semantic cache on ${store}`, () => {
    const asked = 'Tell me the capital city of France please';
    const reworded = 'please tell me the capital city of France';
    const close = 'Tell me the capital city of France quickly please';
    const below = 'Tell me the capital city of France right now please';
    const far = 'How do I bake sourdough bread at home';

    it('answers a similar prompt above the threshold from the cache, and calls the model below it', async () => {
      expect(similarity(asked, close)).toBeGreaterThan(THRESHOLD);
      expect(similarity(asked, close)).toBeLessThan(1);
      expect(similarity(asked, below)).toBeLessThan(THRESHOLD);
      expect(similarity(asked, far)).toBeLessThan(THRESHOLD);

      const first = await ask(asked);
      expect(first.cache).toBe('miss');
      await stored();
      const calls = suite.upstream.chats();
      const same = await ask(reworded);
      expect(same).toMatchObject({ cache: 'hit', content: first.content });
      const near = await ask(close);
      expect(near).toMatchObject({ cache: 'hit', content: first.content });
      expect(Number(near.similarity)).toBeCloseTo(similarity(asked, close), 3);
      expect(suite.upstream.chats()).toBe(calls);
      // Each prompt was embedded by the configured model.
      expect(suite.upstream.embedded()).toContain(`user: ${close}`);

      expect((await ask(below)).cache).toBe('miss');
      expect((await ask(far)).cache).toBe('miss');
      expect(suite.upstream.chats()).toBe(calls + 2);
    });

    it('compares only prompts with the same other parameters, in the same scope', async () => {
      const prompt = 'Which river runs through the city of Paris';
      await ask(prompt, { temperature: 0.3 });
      await stored();
      expect((await ask(`${prompt} `, { temperature: 0.3 })).cache).toBe('hit');
      expect((await ask(prompt, { temperature: 0.9 })).cache).toBe('miss');
      const key = (await suite.gateway.admin('POST', '/key/generate', {})).body.key as string;
      expect((await ask(prompt, { temperature: 0.3 }, key)).cache).toBe('miss');
    });

    it('is flushed with its namespace', async () => {
      const prompt = 'Name three famous painters from Spain';
      await ask(prompt);
      await stored();
      expect((await ask(`Name three famous painters from Spain please`)).cache).toBe('hit');
      expect((await suite.gateway.admin('POST', '/cache/flushall', {})).status).toBe(200);
      expect((await ask(`Name three famous painters from Spain please`)).cache).toBe('miss');
    });

    it('forgets an answer deleted by its key (/cache/delete), for similar prompts too', async () => {
      const prompt = 'Name three famous composers from Austria';
      const first = await ask(prompt);
      await stored();
      expect((await ask(`${prompt} please`)).cache).toBe('hit');
      expect((await suite.gateway.admin('POST', '/cache/delete', { keys: [first.key] })).status).toBe(200);
      expect((await ask(`${prompt} please`)).cache).toBe('miss');
    });

    it.runIf(store === 'S3 Vectors')('keeps one vector per answer in the index, under its partition, and deletes it with the answer or its namespace', async () => {
      const vectors = suite.vectors!;
      const hashes = [];
      for (const prompt of ['Name two rivers of Germany', 'Name two lakes of Italy', 'Name two mountains of Spain']) {
        hashes.push(addressOf((await ask(prompt)).key!)!.hash);
        await stored();
      }
      await ask('Name two rivers of Germany', { cache: { namespace: 'other' } });
      await stored();
      const keyed = (hash: string) => [...vectors.vectors.entries()].find(([key, vector]) => key.startsWith(hash) && vector.metadata['namespace'] === '')?.[0];
      for (const hash of hashes) expect(vectors.vectors.get(keyed(hash)!)!.metadata).toMatchObject({ namespace: '', partition: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(vectors.calls('QueryVectors')).toBeGreaterThan(0);

      expect((await suite.gateway.admin('POST', '/cache/delete', { keys: [hashes[0]] })).status).toBe(200);
      expect(keyed(hashes[0]!)).toBeUndefined();
      expect(keyed(hashes[1]!)).toBeDefined();
      // More vectors than one ListVectors page (the fake's pages hold 2): every page is read.
      const flushed = await suite.gateway.admin('POST', '/cache/flushall', {});
      expect(flushed.status).toBe(200);
      expect([...vectors.vectors.values()].map((vector) => vector.metadata['namespace'])).toEqual(['other']);
    });
  });
}
