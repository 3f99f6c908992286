// Google's generateContent request as the Gemini API and Vertex AI take it (the /gemini and /vertex_ai
// pass-through routes): the gateway reads only what it prices and routes by, and sends the rest upstream
// as the client wrote it. The model and whether to stream come from the path, not the body.
import * as z from 'zod';
import { invalidRequest } from '../core/invalid-request.ts';

const requestSchema = z.looseObject({
  model: z.string().min(1),
  contents: z.array(z.looseObject({ parts: z.array(z.looseObject({})).optional() })).min(1, 'contents needs at least one Content'),
  generationConfig: z.looseObject({ maxOutputTokens: z.number().int().positive().optional(), candidateCount: z.number().int().positive().optional() }).optional(),
});

export type GenerateContentRequest = z.output<typeof requestSchema> & { stream: boolean };

export function parseGenerateContentRequest(json: Record<string, unknown>, stream: boolean): GenerateContentRequest {
  const parsed = requestSchema.safeParse(json);
  if (!parsed.success) throw invalidRequest(parsed.error);
  return { ...parsed.data, stream };
}

/** The body Google takes: the request without the gateway's `model` and `stream` (the URL says both). */
export function upstreamBody({ model: _model, stream: _stream, ...body }: GenerateContentRequest): Record<string, unknown> {
  return body;
}
