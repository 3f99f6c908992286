// OpenAI's `encoding_format: "base64"`: the vector as little-endian float32 bytes, base64-encoded,
// which is what OpenAI returns and what its SDKs decode. For providers that answer with plain numbers.
import type { EmbeddingRequest } from './types.ts';

export function encodeEmbedding(values: number[], format: EmbeddingRequest['encoding_format']): number[] | string {
  if (format !== 'base64') return values;
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}
