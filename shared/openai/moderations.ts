// OpenAI's moderations API: the request as the gateway checks it (a 400 naming the field), and the
// answer passed on. Input is text, a list of texts, or a list of text and image parts (omni models).
import * as z from 'zod';
import { invalidRequest } from '../core/invalid-request.ts';

const INPUT_HINT = 'input must be a string, a list of strings, or a list of {"type": "text", "text"} and {"type": "image_url", "image_url": {"url"}} parts';

const part = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string() }),
  z.looseObject({ type: z.literal('image_url'), image_url: z.looseObject({ url: z.string().min(1) }) }),
]);

/** OpenAI's API moderates with this model when the request names none, and so does LiteLLM's proxy. */
const DEFAULT_MODERATION_MODEL = 'omni-moderation-latest';

const moderationRequestSchema = z.looseObject({
  model: z.string({ error: 'model must be one of the names GET /v1/models lists (a moderation model, e.g. omni-moderation-latest)' }).min(1).default(DEFAULT_MODERATION_MODEL),
  input: z.union([z.string(), z.array(z.string()).min(1, INPUT_HINT), z.array(part).min(1, INPUT_HINT)], { error: INPUT_HINT }),
});

export type ModerationRequest = z.output<typeof moderationRequestSchema> & Record<string, unknown>;

export function parseModerationRequest(body: unknown): ModerationRequest {
  const result = moderationRequestSchema.safeParse(body);
  if (result.success) return result.data as ModerationRequest;
  throw invalidRequest(result.error);
}

export interface ModerationResponse {
  id: string;
  model: string;
  results: Array<Record<string, unknown>>;
  [key: string]: unknown;
}
