// OpenAI's image generation API: the request as the gateway checks it before anything is sent
// upstream (a 400 naming the field), and the answer every provider's images are translated into.
// Loose: fields not listed (style, moderation, output_compression, provider-specific ones) pass through.
import * as z from 'zod';
import { GatewayError } from '../core/errors.ts';
import { invalidRequest } from '../core/invalid-request.ts';
import { isUploadedFile, type UploadedFile } from '../core/multipart.ts';

const nullable = <S extends z.ZodType>(schema: S) => schema.nullish().transform((value) => value ?? undefined);

const N_HINT = 'n must be a whole number from 1 to 10';
const SIZE_HINT = 'size must be "auto" or WIDTHxHEIGHT in pixels, e.g. "1024x1024"';

const imageRequestSchema = z.looseObject({
  model: z.string({ error: 'model is required: one of the names GET /v1/models lists' }).min(1),
  prompt: z.string({ error: 'prompt is required: the text that describes the image' }).min(1, 'prompt must not be empty'),
  n: nullable(z.number({ error: N_HINT }).int(N_HINT).min(1, N_HINT).max(10, N_HINT)),
  size: nullable(z.string({ error: SIZE_HINT }).regex(/^(auto|\d{2,5}x\d{2,5})$/, SIZE_HINT)),
  quality: nullable(z.enum(['auto', 'standard', 'hd', 'low', 'medium', 'high'], { error: 'quality must be one of auto, standard, hd, low, medium, high' })),
  response_format: nullable(z.enum(['url', 'b64_json'], { error: 'response_format must be "url" or "b64_json"' })),
  background: nullable(z.enum(['auto', 'transparent', 'opaque'], { error: 'background must be auto, transparent or opaque' })),
  output_format: nullable(z.enum(['png', 'jpeg', 'webp'], { error: 'output_format must be png, jpeg or webp' })),
  user: nullable(z.string()),
});

export type ImageRequest = z.output<typeof imageRequestSchema> & Record<string, unknown>;

const IMAGE_FILE_HINT = 'image is required: the image to edit, as a file field of the form (image[] for several, up to 16)';
const file = z.custom<UploadedFile>(isUploadedFile, IMAGE_FILE_HINT);

/** An edit is a multipart form: its fields are text (`n` arrives as "2"), its images files. */
const imageEditSchema = imageRequestSchema.extend({
  image: z.union([file, z.array(file).min(1, IMAGE_FILE_HINT).max(16, 'image[] takes at most 16 images')], { error: IMAGE_FILE_HINT }),
  mask: nullable(z.custom<UploadedFile>(isUploadedFile, 'mask must be an image file')),
  n: nullable(z.coerce.number({ error: N_HINT }).int(N_HINT).min(1, N_HINT).max(10, N_HINT)),
});

export type ImageEditRequest = z.output<typeof imageEditSchema> & Record<string, unknown>;

export function parseImageEditRequest(body: unknown): ImageEditRequest {
  const result = imageEditSchema.safeParse(body);
  if (result.success) return result.data as ImageEditRequest;
  throw invalidRequest(result.error);
}

export function parseImageRequest(body: unknown): ImageRequest {
  const result = imageRequestSchema.safeParse(body);
  if (result.success) return result.data as ImageRequest;
  throw invalidRequest(result.error);
}

export interface ImageData {
  b64_json?: string;
  url?: string;
  revised_prompt?: string;
}

/** OpenAI's images answer; `usage` from the gpt-image models, which bill by the token. */
export interface ImagesResponse {
  created: number;
  data: ImageData[];
  usage?: { input_tokens: number; output_tokens: number; total_tokens?: number; input_tokens_details?: Record<string, unknown> };
  [key: string]: unknown;
}

/** Width and height of an explicit `size` (`1024x1536`), or undefined for `auto` or none. */
export function imageDimensions(size: string | undefined): { width: number; height: number } | undefined {
  const match = size === undefined ? null : /^(\d+)x(\d+)$/.exec(size);
  return match ? { width: Number(match[1]), height: Number(match[2]) } : undefined;
}

/** A provider that answers images only as base64: `response_format: "url"` is a 400 that says what to ask for. */
export function base64Only(request: ImageRequest, provider: string): void {
  if (request.response_format === 'url') {
    throw new GatewayError('invalid_request', `${provider} answers images as base64 only, with no URL to pass on: ask for response_format "b64_json".`, { param: 'response_format' });
  }
}

/** The aspect ratio of those a provider takes (`16:9`) nearest to the request's size; undefined for `auto` or none. */
export function nearestAspectRatio(size: string | undefined, ratios: readonly string[]): string | undefined {
  const dimensions = imageDimensions(size);
  if (!dimensions) return undefined;
  const wanted = Math.log(dimensions.width / dimensions.height);
  const value = (ratio: string) => {
    const [w, h] = ratio.split(':').map(Number);
    return Math.abs(Math.log(w! / h!) - wanted);
  };
  return ratios.reduce((best, ratio) => (value(ratio) < value(best) ? ratio : best));
}
