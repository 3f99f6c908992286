// OpenAI's audio API: transcriptions and translations (a multipart upload, answered as text, JSON,
// SRT or VTT) and speech (JSON in, audio bytes out), as the gateway checks them before anything is
// sent upstream (a 400 naming the field). Loose: fields not listed pass through.
import * as z from 'zod';
import { invalidRequest } from '../core/invalid-request.ts';
import { isUploadedFile, type UploadedFile } from '../core/multipart.ts';

const nullable = <S extends z.ZodType>(schema: S) => schema.nullish().transform((value) => value ?? undefined);
const model = z.string({ error: 'model is required: one of the names GET /v1/models lists' }).min(1, 'model is required: one of the names GET /v1/models lists');

export const TRANSCRIPT_FORMATS = ['json', 'text', 'srt', 'vtt', 'verbose_json'] as const;

const transcriptionSchema = z.looseObject({
  file: z.custom<UploadedFile>(isUploadedFile, 'file is required: the audio, as a file field of the form'),
  model,
  language: nullable(z.string()),
  prompt: nullable(z.string()),
  response_format: nullable(z.enum(TRANSCRIPT_FORMATS, { error: `response_format must be one of ${TRANSCRIPT_FORMATS.join(', ')}` })),
  // Form fields are text: numbers arrive as "0.2".
  temperature: nullable(z.coerce.number({ error: 'temperature must be a number from 0 to 1' }).min(0, 'temperature must be a number from 0 to 1').max(1, 'temperature must be a number from 0 to 1')),
  timestamp_granularities: nullable(z.array(z.enum(['word', 'segment'], { error: 'timestamp_granularities must list "word" and/or "segment"' }))),
  user: nullable(z.string()),
});

export type TranscriptionRequest = z.output<typeof transcriptionSchema> & Record<string, unknown>;

export function parseTranscriptionRequest(body: unknown): TranscriptionRequest {
  const result = transcriptionSchema.safeParse(body);
  if (result.success) return result.data as TranscriptionRequest;
  throw invalidRequest(result.error);
}

/** A transcript as the upstream wrote it, and the seconds of audio it says it heard (when it says). */
export interface TranscriptAnswer {
  body: string;
  contentType: string;
  seconds?: number;
}

export const SPEECH_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] as const;
const SPEED_HINT = 'speed must be a number from 0.25 to 4';

const speechSchema = z.looseObject({
  model,
  input: z.string({ error: 'input is required: the text to speak' }).min(1, 'input must not be empty').max(4096, 'input must be at most 4096 characters'),
  voice: z.union([z.string().min(1), z.looseObject({ id: z.string().min(1) })], { error: 'voice is required: a voice name (alloy, ash, coral, ...) or {"id": "<custom voice>"}' }),
  response_format: nullable(z.enum(SPEECH_FORMATS, { error: `response_format must be one of ${SPEECH_FORMATS.join(', ')}` })),
  speed: nullable(z.number({ error: SPEED_HINT }).min(0.25, SPEED_HINT).max(4, SPEED_HINT)),
  instructions: nullable(z.string()),
  // Audio bytes stream as they come; OpenAI's SSE framing of them is not passed on.
  stream_format: nullable(z.literal('audio', { error: 'stream_format must be "audio": the gateway streams the audio bytes as they arrive' })),
  user: nullable(z.string()),
});

export type SpeechRequest = z.output<typeof speechSchema> & Record<string, unknown>;

export function parseSpeechRequest(body: unknown): SpeechRequest {
  const result = speechSchema.safeParse(body);
  if (result.success) return result.data as SpeechRequest;
  throw invalidRequest(result.error);
}

/** Speech as it arrives: the endpoint waits for its first bytes (the commit point) before answering. */
export interface SpeechAnswer {
  contentType: string;
  audio: AsyncIterable<Buffer>;
}

/** The content type of each speech format, for upstreams that do not say. */
export const SPEECH_CONTENT_TYPES: Record<(typeof SPEECH_FORMATS)[number], string> = {
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};
