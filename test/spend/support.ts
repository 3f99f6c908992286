// A gateway with virtual keys and spend tracking for the spend tests: the real store over an
// in-process dynalite, a fake OpenAI upstream on 127.0.0.1 that reports chosen usage, a clock the
// test can move, and the admin API to make keys, teams, users and end users.
import type { ServerResponse } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll } from 'vitest';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { virtualKeyOptions } from '../../shared/keys/gateway-options.ts';
import type { AppOptions } from '../../shared/app.ts';
import type { SpendOverrides } from '../../shared/spend/from-config.ts';
import type { Store } from '../../shared/store/store.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { openTestStore } from '../helpers/identity.ts';
import { sendJson, sendSse, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { ADMIN_API } from '../../shared/admin-api.ts';

export const MASTER = 'sk-spend-master';
/** $10 per million input tokens, $100 per million output tokens: whole numbers in the tests. */
export const INPUT_PRICE = 0.00001;
export const OUTPUT_PRICE = 0.0001;

export function spendConfig(upstream: string, general = ''): string {
  return `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: ${upstream}, api_key: sk-upstream-secret, input_cost_per_token: ${INPUT_PRICE}, output_cost_per_token: ${OUTPUT_PRICE} }
  - model_name: gpt-4o-mini
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream}, api_key: sk-upstream-secret, input_cost_per_token: ${INPUT_PRICE}, output_cost_per_token: ${OUTPUT_PRICE} }
  - model_name: embedder
    litellm_params: { model: openai/text-embedding-3-small, api_base: ${upstream}, api_key: sk-upstream-secret, input_cost_per_token: ${INPUT_PRICE} }
general_settings:
  master_key: ${MASTER}
${general}
`;
}

/** A clock that runs with real time from `start` (default now), and that the test moves. */
export function testClock(start = Date.now()) {
  let offset = start - Date.now();
  return {
    now: () => Date.now() + offset,
    set: (ms: number) => void (offset = ms - Date.now()),
    advance: (ms: number) => void (offset += ms),
  };
}

export interface SpendGateway extends TestGateway {
  store: Store;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  client(key: string): OpenAI;
}

export async function startSpendGateway(endpoint: string, config: string, spend: SpendOverrides = {}, cacheSeconds = 0, options: Partial<AppOptions> = {}): Promise<SpendGateway> {
  const store = await openTestStore(endpoint, cacheSeconds);
  const gateway = await startGateway(config, {}, { ...virtualKeyOptions(store), adminApi: ADMIN_API, spend, ...options });
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return { ...gateway, store, admin, client: (key) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 }) };
}

export async function startDynamo(): Promise<EmbeddedDynamo> {
  return startEmbeddedDynamo();
}

export interface TestUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

export function completion(usage: TestUsage) {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o',
    choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

/** An OpenAI upstream answering every request with `usage`, streamed when asked, after `delayMs`. */
export function answerWith(upstream: RecordingServer, usage: TestUsage, delayMs = 0): void {
  upstream.respond(async (request, res: ServerResponse) => {
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (request.json?.stream) {
      const usageChunk = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [], usage: completion(usage).usage })}\n\n`;
      await sendSse(res, [chunk({ role: 'assistant', content: '' }), chunk({ content: 'hello' }), chunk({}, 'stop'), usageChunk, 'data: [DONE]\n\n']);
      return;
    }
    sendJson(res, 200, completion(usage));
  });
}

/** The chat request the tests send: its worst case is ESTIMATED_INPUT input tokens plus max_tokens. */
export const ask = (maxTokens: number, extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'hi' }], max_tokens: maxTokens, ...extra });
/** What a reservation counts as the input of a body: its UTF-8 bytes (no tokenizer makes more tokens than bytes). */
export const reservedInput = (body: object) => Buffer.byteLength(JSON.stringify(body));
/** The input reserved for `ask(100)` (and any other three-digit max_tokens). */
export const ESTIMATED_INPUT = reservedInput(ask(100));
export const costOf = (usage: TestUsage) => Math.round((usage.prompt_tokens * INPUT_PRICE + usage.completion_tokens * OUTPUT_PRICE) * 1e9) / 1e9;

/** Waits until `check` passes (after-response work is asynchronous to the client). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Outcome of a call through the OpenAI client: 200, or the error's status and body. */
export async function outcome(call: Promise<unknown>): Promise<{ status: number; error?: any; headers?: Headers }> {
  try {
    await call;
    return { status: 200 };
  } catch (error) {
    if (error instanceof OpenAI.APIError) return { status: error.status ?? 0, error: error.error, headers: error.headers as Headers };
    throw error;
  }
}

/** ask(100) answered with every token it may use: its real cost is its worst case. */
export const FULL_USAGE: TestUsage = { prompt_tokens: ESTIMATED_INPUT, completion_tokens: 100 };
export const FULL_COST = costOf(FULL_USAGE);
/** The budget that fits exactly `n` such requests. */
export const budgetFor = (n: number) => Math.round(FULL_COST * n * 1e9) / 1e9;

export interface TwoInstances {
  a: SpendGateway;
  b: SpendGateway;
  upstream: RecordingServer;
}

/**
 * The exactness tests' setup, registered with the file's beforeAll and afterAll: two gateways sharing
 * one dynalite (as two Lambda instances share DynamoDB) and an upstream answering FULL_USAGE after
 * `delayMs`, so that requests overlap. Its fields are set once the file's tests run.
 */
export function twoInstances(spend: SpendOverrides = {}, delayMs = 30): TwoInstances {
  const instances = {} as TwoInstances;
  let dynamo: EmbeddedDynamo;
  beforeAll(async () => {
    dynamo = await startDynamo();
    instances.upstream = await startRecordingServer();
    answerWith(instances.upstream, FULL_USAGE, delayMs);
    instances.a = await startSpendGateway(dynamo.endpoint, spendConfig(instances.upstream.url), spend);
    instances.b = await startSpendGateway(dynamo.endpoint, spendConfig(instances.upstream.url), spend);
  });
  afterAll(async () => {
    await instances.a?.close();
    await instances.b?.close();
    await instances.upstream?.close();
    await dynamo?.close();
  });
  return instances;
}
