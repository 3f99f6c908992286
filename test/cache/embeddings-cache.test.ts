// Embeddings cached per input, through the official `openai` client: a batch of 100 inputs of which 90
// were embedded before sends the upstream only the 10 others and answers all 100 in order, charged for
// the 10; a batch seen whole is a hit charged nothing; the encoding is part of the key.
import { describe, expect, it } from 'vitest';
import { eventually } from '../spend/support.ts';
import { embeddingAnswers } from '../../shared/cache/embedding-answers.ts';
import { cacheSuite, entriesStored, INPUT_PRICE, vectorOf } from './support.ts';

const suite = cacheSuite('{ type: local }');

const stored = () => new Promise((resolve) => setTimeout(resolve, 300));

async function embed(input: string | string[], extra: Record<string, unknown> = {}, key?: string) {
  const { data, response } = await suite.gateway
    .client(key)
    .embeddings.create({ model: 'embedder', input, ...extra } as any)
    .withResponse();
  return { data, cache: response.headers.get('x-tollgate-cache'), cost: response.headers.get('x-litellm-response-cost'), callId: response.headers.get('x-litellm-call-id')! };
}

describe('the embeddings cache', () => {
  it('embeds only the inputs it has not seen, and answers every input in order', async () => {
    const texts = Array.from({ length: 100 }, (_, i) => `document ${i} of the corpus`);
    const generated = (await suite.gateway.admin('POST', '/key/generate', {})).body;
    const seen = texts.filter((_, i) => i % 10 !== 3);
    expect(seen).toHaveLength(90);
    await embed(seen, {}, generated.key);
    // The openai client asks for base64; the parts are keyed as the cache keys them, in the key's own scope.
    const partsOf = (input: string[]) => embeddingAnswers.parts({ model: 'embedder', input, encoding_format: 'base64' });
    await entriesStored(suite.gateway, `key:${generated.token}`, partsOf(seen));
    const before = suite.upstream.embedded().length;
    const batch = await embed(texts, {}, generated.key);
    expect(batch.cache).toBe('miss');
    expect(suite.upstream.embedded().slice(before)).toEqual(texts.filter((_, i) => i % 10 === 3));
    expect(batch.data.data.map((item) => item.index)).toEqual(texts.map((_, i) => i));
    for (const [i, item] of batch.data.data.entries()) {
      const expected = vectorOf(texts[i]!);
      expect(item.embedding).toHaveLength(expected.length);
      for (const [d, value] of (item.embedding as unknown as number[]).entries()) expect(value).toBeCloseTo(expected[d]!, 6);
    }
    // Charged for the 10 inputs sent (the fake counts 2 tokens an input).
    expect(batch.data.usage).toEqual({ prompt_tokens: 20, total_tokens: 20 });
    expect(Number(batch.cost)).toBeCloseTo(20 * INPUT_PRICE, 12);
    await entriesStored(suite.gateway, `key:${generated.token}`, partsOf(texts));

    const again = await embed(texts, {}, generated.key);
    expect(again.cache).toBe('hit');
    expect(again.cost).toBe('0');
    expect(again.data.data.map((item) => item.embedding)).toEqual(batch.data.data.map((item) => item.embedding));
    expect(suite.upstream.embedded().length - before).toBe(10);
    const record = await eventually(async () => {
      const [log] = (await suite.gateway.admin('GET', `/spend/logs?request_id=${again.callId}`)).body;
      expect(log).toBeDefined();
      return log;
    });
    expect(record).toMatchObject({ call_type: 'aembedding', cache_hit: true, spend: 0 });
    expect(record.cache_savings).toBeCloseTo(200 * INPUT_PRICE, 12);
  });

  it('caches a single input, and keeps encodings apart', async () => {
    const before = suite.upstream.embedded().length;
    expect((await embed('one lonely text')).cache).toBe('miss');
    await stored();
    const hit = await embed('one lonely text');
    expect(hit.cache).toBe('hit');
    expect(hit.data.data[0]!.index).toBe(0);
    // The openai client asks for base64 unless told otherwise; floats are another answer.
    const floats = await embed('one lonely text', { encoding_format: 'float' });
    expect(floats.cache).toBe('miss');
    expect(suite.upstream.embedded().length - before).toBe(2);
  });
});
