// POST /v1/rerank (and /rerank, /v2/rerank) in Cohere's shape, driven by the official `cohere-ai`
// clients (v1 and v2), in front of fake Cohere, Jina, Voyage, Together and vLLM upstreams answering as
// each one's rerank API reference describes; priced per search unit or per token.
import { CohereClient, CohereClientV2, type CohereError } from 'cohere-ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, startRecordingServer, type RecordedRequest, type RecordingServer } from '../helpers/recording-server.ts';

const MASTER = 'sk-test-master';
const DOCUMENTS = ['Carson City is the capital of Nevada.', 'Washington, D.C. is the capital of the United States.', 'Capital punishment is legal in some states.'];

/** Each API's answer: the documents ranked by a made-up relevance (the second first). */
function rerankAnswer(request: RecordedRequest) {
  const ranked = [1, 0, 2]
    .filter((index) => index < request.json.documents.length)
    .slice(0, request.json.top_n ?? request.json.top_k ?? 3)
    .map((index, rank) => ({ index, relevance_score: [0.9, 0.6, 0.3][rank]! }));
  const withText = ranked.map((r) => ({ ...r, document: { text: request.json.documents[r.index] } }));
  if (request.url === '/v2/rerank') return { id: 'cohere-rerank-1', results: ranked, meta: { api_version: { version: '2' }, billed_units: { search_units: 1 } } };
  if (request.url.startsWith('/voyage')) return { object: 'list', data: request.json.return_documents ? withText : ranked, model: request.json.model, usage: { total_tokens: 42 } };
  return { id: 'rerank-xyz', model: request.json.model, results: request.json.return_documents ? withText : ranked, usage: { total_tokens: 37 } };
}

let upstream: RecordingServer;
let gateway: TestGateway;
let v1: CohereClient;
let v2: CohereClientV2;

beforeAll(async () => {
  upstream = await startRecordingServer((request, res) => sendJson(res, 200, rerankAnswer(request)));
  gateway = await startGateway(
    `
model_list:
  - model_name: cohere-rerank
    litellm_params: { model: cohere/rerank-v3.5, api_base: ${upstream.url}, api_key: co-upstream-key }
  - model_name: jina-rerank
    litellm_params: { model: jina_ai/jina-reranker-v2-base-multilingual, api_base: ${upstream.url}/jina/v1, api_key: jina-key, input_cost_per_token: 0.00000002 }
  - model_name: voyage-rerank
    litellm_params: { model: voyage/rerank-2, api_base: ${upstream.url}/voyage/v1, api_key: voyage-key }
  - model_name: together-rerank
    litellm_params: { model: together_ai/Salesforce/Llama-Rank-V1, api_base: ${upstream.url}/together/v1, api_key: together-key }
  - model_name: vllm-rerank
    litellm_params: { model: hosted_vllm/BAAI/bge-reranker-v2-m3, api_base: ${upstream.url}/vllm }
  - model_name: infinity-rerank
    litellm_params: { model: infinity/mixedbread-ai/mxbai-rerank-xsmall-v1, api_base: ${upstream.url}/infinity, api_key: inf-key }
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream.url}, api_key: sk-openai }
  - model_name: openai-new
    litellm_params: { model: openai/a-model-the-price-table-does-not-know, api_base: ${upstream.url}, api_key: sk-openai }
general_settings: { master_key: ${MASTER} }
`,
  );
  v1 = new CohereClient({ token: MASTER, environment: gateway.url, maxRetries: 0 });
  v2 = new CohereClientV2({ token: MASTER, environment: gateway.url, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});
beforeEach(() => {
  upstream.requests.length = 0;
  upstream.respond((request, res) => sendJson(res, 200, rerankAnswer(request)));
});

const failure = (call: Promise<unknown>) =>
  call.then(
    () => expect.unreachable('the call should have failed'),
    (error: unknown) => error as CohereError,
  );

describe('rerank through the cohere-ai clients', () => {
  it('ranks on Cohere (v2 client) and prices the search units it billed', async () => {
    const { data, rawResponse } = await v2.rerank({ model: 'cohere-rerank', query: 'What is the capital of the United States?', documents: DOCUMENTS, topN: 2 }).withRawResponse();
    expect(data.results).toEqual([
      { index: 1, relevanceScore: 0.9 },
      { index: 0, relevanceScore: 0.6 },
    ]);
    expect(data.meta?.billedUnits?.searchUnits).toBe(1);
    expect(Number(rawResponse.headers.get('x-litellm-response-cost'))).toBeCloseTo(0.002, 9);
    const sent = upstream.requests[0]!;
    expect(sent.url).toBe('/v2/rerank');
    expect(sent.headers['authorization']).toBe('Bearer co-upstream-key');
    expect(sent.json).toEqual({ model: 'rerank-v3.5', query: 'What is the capital of the United States?', documents: DOCUMENTS, top_n: 2 });
  });

  it('answers the v1 client on /v1/rerank with the documents it asked back, objects as sent', async () => {
    const documents = [{ text: DOCUMENTS[0]!, title: 'Nevada' }, DOCUMENTS[1]!];
    const response = await v1.rerank({ model: 'cohere-rerank', query: 'capital', documents, returnDocuments: true });
    expect(response.results.map((r) => [r.index, r.document])).toEqual([
      [1, { text: DOCUMENTS[1] }],
      [0, { text: DOCUMENTS[0], title: 'Nevada' }],
    ]);
    // Cohere's v2 API takes strings: an object's text goes up.
    expect(upstream.requests[0]!.json.documents).toEqual([DOCUMENTS[0], DOCUMENTS[1]]);
  });

  it("speaks Jina's shape to Jina, Together, vLLM and Infinity, priced per token from their usage", async () => {
    const { rawResponse } = await v2.rerank({ model: 'jina-rerank', query: 'capital', documents: DOCUMENTS }).withRawResponse();
    expect(upstream.requests[0]!.url).toBe('/jina/v1/rerank');
    expect(upstream.requests[0]!.headers['authorization']).toBe('Bearer jina-key');
    expect(Number(rawResponse.headers.get('x-litellm-response-cost'))).toBeCloseTo(37 * 0.00000002, 12);
    await v1.rerank({ model: 'together-rerank', query: 'capital', documents: DOCUMENTS, topN: 1, returnDocuments: true });
    expect(upstream.requests[1]!.url).toBe('/together/v1/rerank');
    expect(upstream.requests[1]!.json).toEqual({ model: 'Salesforce/Llama-Rank-V1', query: 'capital', documents: DOCUMENTS, top_n: 1, return_documents: true });
    const vllm = await v2.rerank({ model: 'vllm-rerank', query: 'capital', documents: DOCUMENTS });
    expect(upstream.requests[2]!.url).toBe('/vllm/v1/rerank');
    expect(vllm.results[0]).toEqual({ index: 1, relevanceScore: 0.9 });
    // infinity/: an Infinity server's /rerank, at the api_base as given.
    const infinity = await v2.rerank({ model: 'infinity-rerank', query: 'capital', documents: DOCUMENTS, topN: 2 });
    expect(upstream.requests[3]).toMatchObject({ url: '/infinity/rerank', headers: { authorization: 'Bearer inf-key' }, json: { model: 'mixedbread-ai/mxbai-rerank-xsmall-v1', top_n: 2 } });
    expect(infinity.results.map((r) => r.index)).toEqual([1, 0]);
  });

  it("speaks Voyage's shape (top_k, data) to Voyage", async () => {
    const { data, rawResponse } = await v2.rerank({ model: 'voyage-rerank', query: 'capital', documents: DOCUMENTS, topN: 2 }).withRawResponse();
    expect(data.results.map((r) => r.index)).toEqual([1, 0]);
    expect(upstream.requests[0]!.url).toBe('/voyage/v1/rerank');
    expect(upstream.requests[0]!.json).toEqual({ model: 'rerank-2', query: 'capital', documents: DOCUMENTS, top_k: 2 });
    // rerank-2: $0.05 per million tokens.
    expect(Number(rawResponse.headers.get('x-litellm-response-cost'))).toBeCloseTo(42 * 0.05e-6, 12);
  });

  it('serves /rerank without a version too', async () => {
    const response = await fetch(`${gateway.url}/rerank`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'cohere-rerank', query: 'capital', documents: DOCUMENTS, top_n: null }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { results: unknown[] }).results).toHaveLength(3);
  });

  it('gives the client a 400 it raises, naming the field, for a bad body', async () => {
    const error = await failure(v2.rerank({ model: 'cohere-rerank', query: 'capital', documents: [] }));
    expect(error.statusCode).toBe(400);
    expect(JSON.stringify(error.body)).toContain('documents must be a non-empty list');
    expect(upstream.requests).toHaveLength(0);
  });

  it('refuses a chat model by its mode, says which providers rerank for one of unknown mode, and maps upstream errors', async () => {
    const chat = await failure(v2.rerank({ model: 'gpt', query: 'capital', documents: DOCUMENTS }));
    expect(chat.statusCode).toBe(400);
    expect(JSON.stringify(chat.body)).toContain('is a chat model: it is served on POST /v1/chat/completions and /v1/messages');
    const unknown = await failure(v2.rerank({ model: 'openai-new', query: 'capital', documents: DOCUMENTS }));
    expect(JSON.stringify(unknown.body)).toContain('does not serve rerank: its provider openai has no rerank API in Tollgate');
    upstream.respond((_r, res) => sendJson(res, 200, { results: [{ index: 7, relevance_score: 0.5 }], meta: { billed_units: { search_units: 1 } } }));
    const wrong = await failure(v2.rerank({ model: 'cohere-rerank', query: 'capital', documents: DOCUMENTS }));
    expect(wrong.statusCode).toBe(502);
    expect(JSON.stringify(wrong.body)).toContain('cohere ranked document 7 of 3');
    upstream.respond((_r, res) => sendJson(res, 429, { message: 'You are using a Trial key, which is limited to 10 API calls / minute.' }));
    const limited = await failure(v2.rerank({ model: 'cohere-rerank', query: 'capital', documents: DOCUMENTS }));
    expect(limited.statusCode).toBe(429);
    expect(JSON.stringify(limited.body)).toContain('Trial key');
  });
});
