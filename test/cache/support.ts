// A gateway with the response cache on, for the cache tests: the real store over an in-process
// dynalite, virtual keys and the admin API, a clock the test moves (entry expiry), and one fake OpenAI
// upstream on 127.0.0.1 that numbers its answers (so a cached answer is told from a fresh one) for
// chat (whole or streamed, optionally cut short) and embeddings (a vector per input text).
import type { ServerResponse } from 'node:http';
import type OpenAI from 'openai';
import { afterAll, beforeAll, expect } from 'vitest';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { hashOf } from '../../shared/cache/cache-key.ts';
import { CacheEntries } from '../../shared/store/cache-entries.ts';
import type { VectorIndex } from '../../shared/store/s3-vector-entries.ts';
import { startFakeS3Vectors, type FakeS3Vectors } from '../helpers/fake-s3vectors.ts';
import { eventually, MASTER, startSpendGateway, type SpendGateway } from '../spend/support.ts';
import { sendJson, sendSse, startRecordingServer, type RecordedRequest, type RecordingServer } from '../helpers/recording-server.ts';

export { MASTER };
/** $10 per million input tokens, $100 per million output tokens. */
export const INPUT_PRICE = 0.00001;
export const OUTPUT_PRICE = 0.0001;
export const USAGE = { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 };
export const COST = Math.round((USAGE.prompt_tokens * INPUT_PRICE + USAGE.completion_tokens * OUTPUT_PRICE) * 1e9) / 1e9;

export function cacheConfig(upstream: string, cacheParams: string, extra = ''): string {
  return `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: ${upstream}/v1, api_key: sk-upstream-secret, input_cost_per_token: ${INPUT_PRICE}, output_cost_per_token: ${OUTPUT_PRICE} }
  - model_name: embedder
    litellm_params: { model: openai/text-embedding-3-small, api_base: ${upstream}/v1, api_key: sk-upstream-secret, input_cost_per_token: ${INPUT_PRICE} }
general_settings:
  master_key: ${MASTER}
litellm_settings:
  cache: true
  cache_params: ${cacheParams}
${extra}`;
}

/** A clock that runs with real time, and that the test moves forward. */
export function testClock() {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms: number) => void (offset += ms) };
}

export interface CacheGateway extends SpendGateway {
  clock: ReturnType<typeof testClock>;
  client(key?: string): OpenAI;
}

export async function startCacheGateway(endpoint: string, config: string, vectorIndex?: VectorIndex): Promise<CacheGateway> {
  const clock = testClock();
  const gateway = await startSpendGateway(endpoint, config, {}, 0, { cacheClock: clock.now, vectorIndex });
  return { ...gateway, clock, client: (key = MASTER) => gateway.client(key) };
}

/** The fake S3 Vectors index a semantic cache suite may keep its prompts in: the fake upstream's 16 dimensions, pages of 2 keys. */
export const VECTOR_INDEX = { bucket: 'tollgate-cache-vectors', index: 'semantic-cache', region: 'eu-west-1', dimension: 16 };

/**
 * A cache gateway (with `cacheParams`) in front of a fake upstream, on a dynalite of their own, for the
 * tests of a file (or of a describe block): started before them, stopped after; `extra` is more of the
 * config (guardrails, ...). With `vectors`, the
 * semantic cache keeps its prompts in a fake S3 Vectors index, signed with the table client's
 * credentials (dynalite's fixed `local` ones).
 */
export function cacheSuite(cacheParams: string, options: { vectors?: boolean; extra?: string } = {}): { gateway: CacheGateway; upstream: FakeUpstream; vectors?: FakeS3Vectors } {
  const suite = {} as { gateway: CacheGateway; upstream: FakeUpstream; dynamo: EmbeddedDynamo; vectors?: FakeS3Vectors };
  beforeAll(async () => {
    suite.dynamo = await startDynamo();
    suite.upstream = await startFakeUpstream();
    if (options.vectors) suite.vectors = await startFakeS3Vectors({ ...VECTOR_INDEX, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, pageSize: 2 });
    const vectorIndex = suite.vectors && { ...VECTOR_INDEX, endpoint: suite.vectors.url };
    suite.gateway = await startCacheGateway(suite.dynamo.endpoint, cacheConfig(suite.upstream.url, cacheParams, options.extra), vectorIndex);
  });
  afterAll(async () => {
    await suite.gateway?.close();
    await suite.upstream?.close();
    await suite.vectors?.close();
    await suite.dynamo?.close();
  });
  return suite;
}

/**
 * Waits until the table holds an entry for each part of a request's answer (a miss is stored after
 * its response): `parts` as the kind names them, hashed in `scope` as the cache does.
 */
export async function entriesStored(gateway: CacheGateway, scope: string, parts: unknown[], namespace = ''): Promise<void> {
  const entries = new CacheEntries(gateway.store);
  await eventually(async () => {
    const found = await entries.get(
      parts.map((part) => ({ namespace, hash: hashOf(scope, part) })),
      gateway.clock.now(),
    );
    expect(found.every(Boolean)).toBe(true);
  }, 10_000);
}

export function startDynamo(): Promise<EmbeddedDynamo> {
  return startEmbeddedDynamo();
}

export interface FakeUpstream extends RecordingServer {
  /** Chat calls answered so far. */
  chats(): number;
  /** Embedding inputs embedded so far, in order. */
  embedded(): string[];
  /** The next streamed answers stop after this many content chunks, without [DONE] (undefined: whole). */
  cutStreamsAfter(chunks: number | undefined): void;
  /** The next chat answers' content (default: `answer <n>`, n counting chat calls). */
  answerWith(content: ((n: number) => string) | undefined): void;
}

/** The text the fake answers the n-th chat call with, split into the pieces it streams. */
export const answerText = (n: number) => `answer ${n}, in several pieces`;

export async function startFakeUpstream(): Promise<FakeUpstream> {
  let chats = 0;
  const embedded: string[] = [];
  let cutAfter: number | undefined;
  let content: ((n: number) => string) | undefined;
  const server = await startRecordingServer((request, res) => {
    if (request.url === '/v1/embeddings') return embed(request, res, embedded);
    chats += 1;
    return chat(request, res, (content ?? answerText)(chats), cutAfter);
  });
  return {
    ...server,
    chats: () => chats,
    embedded: () => embedded,
    cutStreamsAfter: (chunks) => void (cutAfter = chunks),
    answerWith: (next) => void (content = next),
  };
}

async function chat(request: RecordedRequest, res: ServerResponse, text: string, cutAfter: number | undefined): Promise<void> {
  const base = { id: 'chatcmpl-fake', created: 1_700_000_000, model: request.json.model };
  if (!request.json.stream) {
    sendJson(res, 200, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage: USAGE });
    return;
  }
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}`;
  const pieces = text.match(/.{1,8}/gsu) ?? [];
  const contentChunks = pieces.map((piece) => chunk({ content: piece }));
  if (cutAfter !== undefined) {
    // Headers and the first chunks go out, then the connection drops.
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const event of [chunk({ role: 'assistant', content: '' }), ...contentChunks.slice(0, cutAfter)]) res.write(`${event}\n\n`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    res.destroy();
    return;
  }
  const usage = request.json.stream_options?.include_usage ? [`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage: USAGE })}`] : [];
  await sendSse(res, [chunk({ role: 'assistant', content: '' }), ...contentChunks, chunk({}, 'stop'), ...usage, 'data: [DONE]']);
}

function embed(request: RecordedRequest, res: ServerResponse, embedded: string[]): void {
  const inputs: string[] = Array.isArray(request.json.input) ? request.json.input : [request.json.input];
  embedded.push(...inputs);
  sendJson(res, 200, {
    object: 'list',
    data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: vectorOf(text) })),
    model: request.json.model,
    usage: { prompt_tokens: 2 * inputs.length, total_tokens: 2 * inputs.length },
  });
}

/**
 * The fake's embedding of a text: its words hashed into 16 dimensions, normalised; texts sharing most
 * words are close (cosine near 1), unrelated ones far.
 */
export function vectorOf(text: string): number[] {
  const vector = new Array<number>(16).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let hash = 7;
    for (const char of word) hash = (hash * 31 + char.charCodeAt(0)) % 65_521;
    vector[hash % 16]! += 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}
