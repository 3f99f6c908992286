// The rerank APIs Tollgate speaks, each a request body and a reading of its answer into Cohere's shape:
// Cohere's v2 (documents as strings, billed in search units), Jina's (taken by Jina, vLLM, Infinity
// and Together), and Voyage's (`top_k`, answers in `data`). The documents a client asked back are
// filled in from the request where the upstream leaves them out.
import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../core/errors.ts';
import { callUpstream, readJson, type UpstreamErrorMapper } from '../../http/upstream.ts';
import { documentTexts, type RerankRequest, type RerankResponse, type RerankResult } from '../../cohere-format/rerank.ts';
import type { UpstreamCall } from '../types.ts';
import { parseAnswer } from '../upstream-answer.ts';
import { cohereRerankSchema, jinaRerankSchema, voyageRerankSchema } from './answer-schema.ts';
import { deploymentLimits } from '../deployment-limits.ts';

export type RerankShape = 'cohere' | 'jina' | 'voyage';

export interface RerankEndpoint {
  url: string;
  headers: Record<string, string>;
  mapError: UpstreamErrorMapper;
}

export async function callRerank(shape: RerankShape, endpoint: RerankEndpoint, { request, deployment, signal }: UpstreamCall<RerankRequest>): Promise<RerankResponse> {
  const upstream = {
    url: endpoint.url,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...endpoint.headers, ...deployment.extraHeaders },
    body: JSON.stringify(rerankBody(shape, request)),
    signal,
    stream: false,
    ...deploymentLimits(deployment),
  };
  const answer = await readJson(await callUpstream(upstream, endpoint.mapError), upstream);
  const ranking = readRanking(shape, answer, deployment.provider);
  const stray = ranking.results.find((r) => r.index >= request.documents.length);
  if (stray) throw new GatewayError('upstream_error', `${deployment.provider} ranked document ${stray.index} of ${request.documents.length}: an answer that cannot be for this request.`);
  return withDocuments(ranking, request);
}

function rerankBody(shape: RerankShape, request: RerankRequest): Record<string, unknown> {
  const documents = documentTexts(request);
  if (shape === 'cohere') return { model: request.model, query: request.query, documents, top_n: request.top_n, max_tokens_per_doc: request.max_tokens_per_doc };
  if (shape === 'voyage') return { model: request.model, query: request.query, documents, top_k: request.top_n, return_documents: request.return_documents };
  return { model: request.model, query: request.query, documents, top_n: request.top_n, return_documents: request.return_documents };
}

function readRanking(shape: RerankShape, answer: unknown, provider: string): RerankResponse {
  if (shape === 'cohere') {
    const parsed = parseAnswer(cohereRerankSchema, answer, provider, 'a rerank answer');
    return { id: parsed.id ?? randomUUID(), results: parsed.results.map(result), meta: { billed_units: { search_units: parsed.meta?.billed_units?.search_units } } };
  }
  if (shape === 'voyage') {
    const parsed = parseAnswer(voyageRerankSchema, answer, provider, 'a rerank answer');
    return tokenBilled(randomUUID(), parsed.data, parsed.usage?.total_tokens);
  }
  const parsed = parseAnswer(jinaRerankSchema, answer, provider, 'a rerank answer');
  return tokenBilled(parsed.id ?? randomUUID(), parsed.results, parsed.usage?.total_tokens ?? parsed.usage?.prompt_tokens);
}

function tokenBilled(id: string, results: Array<{ index: number; relevance_score: number; document?: unknown }>, tokens: number | undefined): RerankResponse {
  return { id, results: results.map(result), meta: { billed_units: { total_tokens: tokens } }, ...(tokens !== undefined && { usage: { total_tokens: tokens } }) };
}

function result({ index, relevance_score, document }: { index: number; relevance_score: number; document?: unknown }): RerankResult {
  return { index, relevance_score, ...(document !== undefined && { document: typeof document === 'string' ? { text: document } : (document as Record<string, unknown>) }) };
}

/** Cohere answers `document` only when asked (`return_documents`): as the client sent it, a string as `{text}`. */
export function withDocuments(response: RerankResponse, request: RerankRequest): RerankResponse {
  const results = response.results.map(({ document, ...rest }) => {
    if (!request.return_documents) return rest;
    const sent = request.documents[rest.index];
    return { ...rest, document: sent === undefined ? document : typeof sent === 'string' ? { text: sent } : sent };
  });
  return { ...response, results };
}
