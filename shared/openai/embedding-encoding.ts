// Embeddings for providers that take text only and answer with plain numbers (Gemini, Vertex AI,
// Bedrock): the request's input as a list of texts, and the vectors as OpenAI's response. With
// `encoding_format: "base64"` each vector is little-endian float32 bytes, base64-encoded, which is
// what OpenAI returns and what its SDKs decode.
import { GatewayError } from '../core/errors.ts';
import type { EmbeddingRequest, EmbeddingResponse } from './types.ts';

export function encodeEmbedding(values: number[], format: EmbeddingRequest['encoding_format']): number[] | string {
  if (format !== 'base64') return values;
  const bytes = Buffer.alloc(values.length * 4);
  for (const [i, value] of values.entries()) bytes.writeFloatLE(value, i * 4);
  return bytes.toString('base64');
}

/** `input` as a list of texts; token-id input (numbers) is OpenAI-only. */
export function embeddingTexts(request: EmbeddingRequest, provider: string): string[] {
  const input = request.input;
  const texts = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(texts) || !texts.length || !texts.every((text): text is string => typeof text === 'string')) {
    throw new GatewayError('invalid_request', `${provider} embeds text only: send input as a string or an array of strings (token ids are not supported).`, { param: 'input' });
  }
  return texts;
}

/** The vectors, in input order, as OpenAI's embeddings list for `request.model`. */
export function embeddingResponse(vectors: number[][], request: EmbeddingRequest, promptTokens: number): EmbeddingResponse {
  return {
    object: 'list',
    data: vectors.map((values, index) => ({ object: 'embedding', index, embedding: encodeEmbedding(values, request.encoding_format) })),
    model: request.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}
