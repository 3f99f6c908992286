// Budgets hold without any concurrency too: a reservation covers the most an honest upstream can bill
// for the body as sent — its tools, images and non-Latin text, `n` answers, and the dearest model it
// may land on after a fallback — on chat, /v1/messages and embeddings alike.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { itemKeys } from '../../shared/store/table.ts';
import { sendJson, startRecordingServer, type RecordedRequest, type RecordingServer } from '../helpers/recording-server.ts';
import { ask, completion, costOf, eventually, INPUT_PRICE, MASTER, OUTPUT_PRICE, outcome, reservedInput, startDynamo, startSpendGateway, type SpendGateway, type TestUsage } from './support.ts';

let dynamo: EmbeddedDynamo;
let upstream: RecordingServer;
let gateway: SpendGateway;

const priced = `input_cost_per_token: ${INPUT_PRICE}, output_cost_per_token: ${OUTPUT_PRICE}`;

beforeAll(async () => {
  dynamo = await startDynamo();
  upstream = await startRecordingServer();
  gateway = await startSpendGateway(
    dynamo.endpoint,
    `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: ${upstream.url}, api_key: sk-upstream, ${priced} }
  # Almost free, and down: every request to it is answered by its fallback, which is not.
  - model_name: dead
    litellm_params: { model: openai/dead, api_base: ${upstream.url}, api_key: sk-upstream, input_cost_per_token: 0.000000001, output_cost_per_token: 0.000000001 }
  - model_name: embedder
    litellm_params: { model: openai/in-house-embedder, api_base: ${upstream.url}, api_key: sk-upstream, input_cost_per_token: ${INPUT_PRICE} }
router_settings: { num_retries: 0, fallbacks: [{ dead: [gpt-4o] }] }
general_settings:
  master_key: ${MASTER}
`,
  );
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
  await dynamo.close();
});

/** An OpenAI upstream that bills what `usageOf` says for each request, as a real tokenizer would count it; `dead` fails. */
function billing(usageOf: (request: any) => TestUsage): void {
  upstream.respond((request: RecordedRequest, res: ServerResponse) => {
    if (request.json?.model === 'dead') return sendJson(res, 500, { error: { message: 'down', type: 'server_error' } });
    if (request.url.endsWith('/embeddings')) {
      const { prompt_tokens } = usageOf(request.json);
      return sendJson(res, 200, {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
        model: 'in-house-embedder',
        usage: { prompt_tokens, total_tokens: prompt_tokens },
      });
    }
    sendJson(res, 200, completion(usageOf(request.json)));
  });
}

const newKey = async (fields: Record<string, unknown>) => (await gateway.admin('POST', '/key/generate', fields)).body as { key: string; token: string };
const spendOf = async (token: string) => (await gateway.store.get<Record<string, number>>(itemKeys.key(token)))!['spend'] ?? 0;
/** 40 tools of about 1.1 KB each: 44 KB of definitions, about 11,000 tokens. */
const TOOLS = Array.from({ length: 40 }, (_, i) => ({
  type: 'function',
  function: { name: `tool_${i}`, description: 'Looks something up. '.repeat(50), parameters: { type: 'object', properties: {} } },
}));
/** Text a tokenizer splits into a token per character, where four characters a token would count a quarter. */
const HAN = '漢'.repeat(20_000);

describe('worst-case reservations', () => {
  it('count tools: 44 KB of them do not pass a $0.05 budget', async () => {
    billing((body) => ({ prompt_tokens: Math.ceil(JSON.stringify(body.tools ?? []).length / 4) + 10, completion_tokens: 100 }));
    const { key, token } = await newKey({ max_budget: 0.05 });
    const result = await outcome(gateway.client(key).chat.completions.create({ ...ask(100), tools: TOOLS } as any));
    expect(result.status).toBe(400);
    expect(result.error.type).toBe('budget_exceeded');
    expect(await spendOf(token)).toBe(0);
    // With budget enough for them, the same request passes and is charged what the upstream billed.
    const { key: rich, token: richToken } = await newKey({ max_budget: 1 });
    expect((await outcome(gateway.client(rich).chat.completions.create({ ...ask(100), tools: TOOLS } as any))).status).toBe(200);
    await eventually(async () => expect(await spendOf(richToken)).toBeGreaterThan(0.05));
  });

  it('count every answer `n` asks for', async () => {
    billing((body) => ({ prompt_tokens: 10, completion_tokens: (body.n ?? 1) * body.max_tokens }));
    const { key, token } = await newKey({ max_budget: 0.05 });
    const result = await outcome(gateway.client(key).chat.completions.create({ ...ask(100), n: 10 }));
    expect(result.status).toBe(400);
    expect(await spendOf(token)).toBe(0);
  });

  it('count images at what a provider may bill for one, not at the bytes of their URLs', async () => {
    billing((body) => ({ prompt_tokens: 1_445 * body.messages[0].content.length, completion_tokens: 100 }));
    const { key, token } = await newKey({ max_budget: 0.05 });
    const content = Array.from({ length: 10 }, (_, i) => ({ type: 'image_url' as const, image_url: { url: `https://example.com/${i}.png`, detail: 'high' as const } }));
    const result = await outcome(gateway.client(key).chat.completions.create({ ...ask(100), messages: [{ role: 'user', content }] }));
    expect(result.status).toBe(400);
    expect(await spendOf(token)).toBe(0);
  });

  it('count text by its bytes: a token per character does not pass the budget', async () => {
    billing(() => ({ prompt_tokens: HAN.length, completion_tokens: 100 }));
    const { key, token } = await newKey({ max_budget: 0.1 });
    const result = await outcome(gateway.client(key).chat.completions.create({ ...ask(100), messages: [{ role: 'user', content: HAN }] }));
    expect(result.status).toBe(400);
    expect(await spendOf(token)).toBe(0);
  });

  it("price a dead model at its fallback's prices: 100 requests at once spend no more than the budget", async () => {
    const body = { ...ask(100), model: 'dead' };
    // The fallback bills the most the request can cost there.
    const usage = { prompt_tokens: reservedInput(body), completion_tokens: 100 };
    billing(() => usage);
    const budget = Math.round(costOf(usage) * 10 * 1e9) / 1e9;
    const { key, token } = await newKey({ max_budget: budget });
    const results = await Promise.all(Array.from({ length: 100 }, () => outcome(gateway.client(key).chat.completions.create(body))));
    expect(results.filter((r) => r.status === 200)).toHaveLength(10);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 400 && r.error.type === 'budget_exceeded')).toBe(true);
    const spent = await eventually(async () => {
      const item = (await gateway.store.get<Record<string, number>>(itemKeys.key(token)))!;
      expect(item['parallel_requests']).toBe(0);
      return item['spend']!;
    });
    expect(spent).toBeLessThanOrEqual(budget);
    expect(spent).toBeCloseTo(budget, 9);
  });

  it('apply to /v1/messages (its tools count) and to embeddings (their text counts by bytes)', async () => {
    billing((body) => ({
      prompt_tokens: Math.ceil(JSON.stringify(body.tools ?? []).length / 4) + (Array.isArray(body.input) ? body.input : [body.input ?? '']).join('').length,
      completion_tokens: 100,
    }));
    const { key, token } = await newKey({ max_budget: 0.05 });
    const anthropicTools = TOOLS.map(({ function: f }) => ({ name: f.name, description: f.description, input_schema: f.parameters }));
    const messages = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', max_tokens: 100, tools: anthropicTools, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(messages.status).toBe(400);
    expect(((await messages.json()) as any).error.message).toContain('ExceededBudget');

    const { key: embedding, token: embeddingToken } = await newKey({ max_budget: 0.1 });
    const embedded = await outcome(gateway.client(embedding).embeddings.create({ model: 'embedder', input: HAN }));
    expect(embedded.status).toBe(400);
    expect(await spendOf(token)).toBe(0);
    expect(await spendOf(embeddingToken)).toBe(0);
  });
});
