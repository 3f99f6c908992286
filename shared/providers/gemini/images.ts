// OpenAI image generation on Google's models, for the Gemini API and Vertex AI alike: Imagen through
// `:predict` (`sampleCount` images, the aspect ratio nearest the size asked for), Gemini's image models
// through generateContent with image output (one image per call; their usage priced per token).
// Google answers with base64 only.
import { GatewayError } from '../../core/errors.ts';
import { callUpstream, readJson, type UpstreamRequest } from '../../http/upstream.ts';
import { createdNow } from '../../openai/completion-id.ts';
import { base64Only, nearestAspectRatio, type ImageRequest, type ImagesResponse } from '../../openai/images.ts';
import { tokenCount } from '../token-count.ts';
import type { UpstreamCall } from '../types.ts';
import { parseAnswer } from '../upstream-answer.ts';
import { generateContentSchema, imagenPredictSchema } from './answer-schema.ts';
import { googleHttpError } from './errors.ts';
import type { GeminiTarget } from './generate.ts';
import { deploymentLimits } from '../deployment-limits.ts';

const IMAGEN_ASPECT_RATIOS = ['1:1', '3:4', '4:3', '9:16', '16:9'] as const;

export async function generateImages({ request, deployment, signal }: UpstreamCall<ImageRequest>, target: GeminiTarget): Promise<ImagesResponse> {
  base64Only(request, target.provider);
  const imagen = /imagen/i.test(request.model);
  if (!imagen && (request.n ?? 1) > 1)
    throw new GatewayError('invalid_request', `${target.provider}'s Gemini image models make one image per request: send n: 1 (or use an Imagen model).`, { param: 'n' });
  const aspectRatio = nearestAspectRatio(request.size, IMAGEN_ASPECT_RATIOS);
  const body = imagen
    ? { instances: [{ prompt: request.prompt }], parameters: { sampleCount: request.n ?? 1, ...(aspectRatio && { aspectRatio }) } }
    : { contents: [{ role: 'user', parts: [{ text: request.prompt }] }], generationConfig: { responseModalities: ['IMAGE'], ...(aspectRatio && { imageConfig: { aspectRatio } }) } };
  const upstream: UpstreamRequest = {
    url: `${target.modelUrl}:${imagen ? 'predict' : 'generateContent'}`,
    headers: { 'content-type': 'application/json', ...target.headers, ...deployment.extraHeaders },
    body: JSON.stringify(body),
    signal,
    stream: false,
    ...deploymentLimits(deployment),
  };
  const answer = await readJson(await callUpstream(upstream, (status, text, headers) => googleHttpError(target, status, text, headers)), upstream);
  return imagen ? imagenImages(answer, target.provider) : geminiImages(answer, target.provider);
}

function imagenImages(answer: unknown, provider: string): ImagesResponse {
  const { predictions } = parseAnswer(imagenPredictSchema, answer, provider, 'an Imagen predict answer');
  const made = predictions.flatMap((p) => (p.bytesBase64Encoded ? [{ b64_json: p.bytesBase64Encoded }] : []));
  // Images the safety filter withheld come back as a reason instead of bytes.
  if (!made.length) throw filtered(provider, predictions.map((p) => p.raiFilteredReason).find((reason) => reason) ?? undefined);
  return { created: createdNow(), data: made };
}

function geminiImages(answer: unknown, provider: string): ImagesResponse {
  const parsed = parseAnswer(generateContentSchema, answer, provider, 'a generateContent answer');
  const parts = parsed.candidates?.flatMap((candidate) => candidate.content?.parts ?? []) ?? [];
  const made = parts.flatMap((part) => (part.inlineData?.data ? [{ b64_json: part.inlineData.data }] : []));
  if (!made.length) throw filtered(provider, parsed.promptFeedback?.blockReason ?? parsed.candidates?.[0]?.finishReason ?? undefined);
  const usage = parsed.usageMetadata;
  const input = tokenCount(usage?.promptTokenCount);
  const output = tokenCount(usage?.candidatesTokenCount);
  return { created: createdNow(), data: made, ...(usage && { usage: { input_tokens: input, output_tokens: output, total_tokens: input + output } }) };
}

function filtered(provider: string, reason: string | undefined): GatewayError {
  return new GatewayError('content_policy_violation', `${provider} made no image for this prompt${reason ? `: ${reason}` : ''}.`);
}
