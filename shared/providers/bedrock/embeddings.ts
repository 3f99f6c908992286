// OpenAI embeddings requests → InvokeModel bodies of the embedding models Bedrock serves, and their
// answers back. Titan embeds one text per call; Cohere takes up to 96 texts per call.
import { GatewayError } from '../../core/errors.ts';
import type { EmbeddingRequest } from '../../openai/types.ts';
import { tokenCount } from '../token-count.ts';
import { parseAnswer } from '../upstream-answer.ts';
import { cohereEmbeddingSchema, titanEmbeddingSchema } from './answer-schema.ts';
import { PROVIDER_NAME } from './errors.ts';

/** One InvokeModel call's body, and how to read the vectors and token count out of its answer. */
export interface EmbeddingBatch {
  body: Record<string, unknown>;
  read(answer: unknown, headerTokens: number | undefined): { vectors: number[][]; tokens: number };
}

const COHERE_MAX_TEXTS = 96;

/** The calls that embed `texts` with the request's model, in input order. */
export function embeddingBatches(request: EmbeddingRequest, texts: string[]): EmbeddingBatch[] {
  const model = request.model.toLowerCase();
  if (model.includes('titan-embed-text')) return texts.map((text) => titanBatch(text, request, model.includes('-v1')));
  if (model.includes('cohere.embed')) {
    const batches: EmbeddingBatch[] = [];
    for (let i = 0; i < texts.length; i += COHERE_MAX_TEXTS) batches.push(cohereBatch(texts.slice(i, i + COHERE_MAX_TEXTS), request, model.includes('embed-v4')));
    return batches;
  }
  throw new GatewayError('invalid_request', `bedrock embeddings support amazon.titan-embed-text-* and cohere.embed-* models, not "${request.model}".`, { param: 'model' });
}

function titanBatch(text: string, request: EmbeddingRequest, v1: boolean): EmbeddingBatch {
  const body: Record<string, unknown> = { inputText: text };
  if (request.dimensions != null) {
    if (v1) throw dimensionsRefused(request.model);
    body['dimensions'] = request.dimensions;
  }
  if (!v1 && typeof request['normalize'] === 'boolean') body['normalize'] = request['normalize'];
  return {
    body,
    read(answer) {
      const { embedding, inputTextTokenCount } = parseAnswer(titanEmbeddingSchema, answer, PROVIDER_NAME, 'a Titan embedding');
      return { vectors: [embedding], tokens: tokenCount(inputTextTokenCount) };
    },
  };
}

/** Cohere's input_type defaults to search_document, as in LiteLLM; a request may set it (and truncate). */
function cohereBatch(texts: string[], request: EmbeddingRequest, v4: boolean): EmbeddingBatch {
  const body: Record<string, unknown> = { texts, input_type: typeof request['input_type'] === 'string' ? request['input_type'] : 'search_document' };
  if (typeof request['truncate'] === 'string') body['truncate'] = request['truncate'];
  if (request.dimensions != null) {
    if (!v4) throw dimensionsRefused(request.model);
    body['output_dimension'] = request.dimensions;
  }
  return {
    body,
    read(answer, headerTokens) {
      const { embeddings } = parseAnswer(cohereEmbeddingSchema, answer, PROVIDER_NAME, 'Cohere embeddings');
      const vectors = Array.isArray(embeddings) ? embeddings : embeddings.float;
      if (vectors.length !== texts.length) throw new GatewayError('upstream_error', `${PROVIDER_NAME} answered with ${vectors.length} embeddings for ${texts.length} inputs.`);
      return { vectors, tokens: headerTokens ?? 0 };
    },
  };
}

function dimensionsRefused(model: string): GatewayError {
  return new GatewayError('unsupported_params', `${model} has a fixed number of dimensions: remove the dimensions parameter (amazon.titan-embed-text-v2 and cohere.embed-v4 take it).`, {
    param: 'dimensions',
  });
}
