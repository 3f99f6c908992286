// The size of a call priced in other units than tokens (shared/pricing/units.ts), from its body: the
// most of each unit it can use, which its budget reservation is sized by, and the price entry its
// options select. Sizes err high, never low, as for tokens (./request-size.ts).
import { Buffer } from 'node:buffer';
import { documentTexts, type RerankRequest } from '../cohere-format/rerank.ts';
import type { SpeechRequest, TranscriptionRequest } from '../openai/audio.ts';
import { imageDimensions, type ImageEditRequest, type ImageRequest } from '../openai/images.ts';
import type { ModerationRequest } from '../openai/moderations.ts';
import type { RequestSize } from '../pricing/usage-ceiling.ts';
import { mostSeconds } from './audio-duration.ts';
import { IMAGE_TOKENS } from './request-size.ts';

/** The most tokens OpenAI's gpt-image models write for one image (high quality, 1024x1536); they bill by the token. */
export const IMAGE_OUTPUT_TOKENS = 6_240;
/** Pixels of the largest image a size of `auto` (or none) may bring: DALL·E 3's 1792x1024. */
const LARGEST_AUTO_PIXELS = 1792 * 1024;
/** What OpenAI's DALL·E models make when the request says no size or quality: the price entry charged then. */
const DEFAULT_SIZE = '1024x1024';
const DEFAULT_QUALITY = 'standard';

export function imageSize(body: ImageRequest): RequestSize {
  const n = body.n ?? 1;
  const dimensions = imageDimensions(body.size);
  return {
    inputTokens: [Buffer.byteLength(body.prompt)],
    unmeasuredInput: false,
    choices: n,
    maxOutputTokens: IMAGE_OUTPUT_TOKENS,
    units: { images: n, pixels: n * (dimensions ? dimensions.width * dimensions.height : LARGEST_AUTO_PIXELS) },
    priceVariant: imagePriceVariant(body),
  };
}

/** An edit: as a generation, with each image given read as input (at chat's allowance per image; the gpt-image models bill them as input tokens). */
export function imageEditSize(body: ImageEditRequest): RequestSize {
  const given = Array.isArray(body.image) ? body.image.length : 1;
  const size = imageSize(body);
  return { ...size, inputTokens: [size.inputTokens[0]! + (given + (body.mask ? 1 : 0)) * IMAGE_TOKENS] };
}

/** LiteLLM's key for an image's price by quality and size: `hd/1024-x-1792` (of `hd/1024-x-1792/dall-e-3`). */
function imagePriceVariant(body: ImageRequest): string {
  const size = body.size === undefined || body.size === 'auto' ? DEFAULT_SIZE : body.size;
  const quality = body.quality === undefined || body.quality === 'auto' ? DEFAULT_QUALITY : body.quality;
  return `${quality}/${size.replace('x', '-x-')}`;
}

/** The pixels of `count` images of `size` (the answer's, else the request's), DALL·E's default when neither says. */
export function imagePixels(count: number, size: string | undefined): number {
  const dimensions = imageDimensions(size) ?? imageDimensions(DEFAULT_SIZE)!;
  return count * dimensions.width * dimensions.height;
}

/** A transcription or translation: the seconds the upload can play (./audio-duration.ts); the prompt as input. */
export function transcriptionSize(body: TranscriptionRequest): RequestSize {
  return { inputTokens: [Buffer.byteLength(body.prompt ?? '')], unmeasuredInput: false, choices: 1, maxOutputTokens: 0, units: { seconds: mostSeconds(body.file.bytes) } };
}

/** Speech: the characters of its input, exactly (OpenAI counts characters, not UTF-16 units). */
export function speechSize(body: SpeechRequest): RequestSize {
  return {
    inputTokens: [Buffer.byteLength(body.input) + Buffer.byteLength(body.instructions ?? '')],
    unmeasuredInput: false,
    choices: 1,
    maxOutputTokens: 0,
    units: { characters: characters(body.input) },
  };
}

export function characters(text: string): number {
  return [...text].length;
}

/** Cohere's billing: one search unit per query over up to 100 documents, where a document past 500 tokens with the query counts once per chunk. */
const DOCUMENTS_PER_SEARCH = 100;
const CHUNK_TOKENS = 500;

/**
 * Rerank: per document, the query and the document as input (bytes bound tokens), for the providers
 * that bill tokens; the most search units for those that bill searches, each document's chunks
 * counted with its bytes standing for tokens (capped by `max_chunks_per_doc`).
 */
export function rerankSize(body: RerankRequest): RequestSize {
  const query = Buffer.byteLength(body.query);
  const documents = documentTexts(body).map((text) => Buffer.byteLength(text));
  const room = Math.max(1, CHUNK_TOKENS - query);
  const chunks = documents.reduce((sum, bytes) => sum + Math.min(Math.max(1, Math.ceil(bytes / room)), body.max_chunks_per_doc ?? Infinity), 0);
  return {
    inputTokens: documents.map((bytes) => query + bytes),
    unmeasuredInput: false,
    choices: 1,
    maxOutputTokens: 0,
    units: { searches: Math.ceil(chunks / DOCUMENTS_PER_SEARCH) },
  };
}

/** Search units for an answer that says none: one per 100 documents. */
export function estimatedSearches(body: RerankRequest): number {
  return Math.ceil(body.documents.length / DOCUMENTS_PER_SEARCH);
}

/** Moderation: its text by its bytes, each image at chat's allowance (the models are free; a configured price is held to this). */
export function moderationSize(body: ModerationRequest): RequestSize {
  const inputs = typeof body.input === 'string' ? [body.input] : body.input;
  const tokens = inputs.reduce<number>((sum, input) => sum + (typeof input === 'string' ? Buffer.byteLength(input) : input.type === 'text' ? Buffer.byteLength(input.text) : IMAGE_TOKENS), 0);
  return { inputTokens: [tokens], unmeasuredInput: false, choices: 1, maxOutputTokens: 0 };
}
