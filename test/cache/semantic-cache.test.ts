// The semantic cache (LiteLLM's redis-semantic / qdrant-semantic types) through the official `openai`
// client: a prompt worded differently but similar above `similarity_threshold` is answered from the
// cache, one below it is not; only prompts with the same other parameters and in the same scope are
// compared. Prompts are embedded by the config's embedding model on the fake suite.upstream.
import { describe, expect, it } from 'vitest';
import { cosine } from '../../shared/store/semantic-entries.ts';
import { cacheSuite, MASTER, vectorOf } from './support.ts';

const THRESHOLD = 0.9;

const suite = cacheSuite(`{ type: redis-semantic, similarity_threshold: ${THRESHOLD}, redis_semantic_cache_embedding_model: embedder, redis_url: redis://localhost:6379 }`);

const stored = () => new Promise((resolve) => setTimeout(resolve, 300));
const similarity = (a: string, b: string) => cosine(Float32Array.from(vectorOf(`user: ${a}`)), Float32Array.from(vectorOf(`user: ${b}`)));

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

describe('the semantic cache', () => {
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
});
