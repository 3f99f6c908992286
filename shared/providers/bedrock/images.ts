// OpenAI image generation → InvokeModel bodies of the image models Bedrock serves, and their answers
// back: Amazon Nova Canvas and Titan Image Generator (TEXT_IMAGE: `n` images of the size asked for,
// `hd`/`high` quality as premium), and Stability's models (one image, the aspect ratio nearest the size).
// Bedrock answers with base64 only.
import { GatewayError } from '../../core/errors.ts';
import { createdNow } from '../../openai/completion-id.ts';
import { base64Only, imageDimensions, nearestAspectRatio, type ImageRequest, type ImagesResponse } from '../../openai/images.ts';
import { parseAnswer } from '../upstream-answer.ts';
import { amazonImagesSchema, stabilityImagesSchema } from './answer-schema.ts';
import { PROVIDER_NAME } from './errors.ts';

/** One InvokeModel call's body, and how to read its answer. */
export interface ImageInvocation {
  body: Record<string, unknown>;
  read(answer: unknown): ImagesResponse;
}

const STABILITY_ASPECT_RATIOS = ['1:1', '16:9', '21:9', '2:3', '3:2', '4:5', '5:4', '9:16', '9:21'] as const;
const DEFAULT_SIZE = { width: 1024, height: 1024 };

export function imageInvocation(request: ImageRequest): ImageInvocation {
  base64Only(request, PROVIDER_NAME);
  const model = request.model.toLowerCase();
  if (model.includes('nova-canvas') || model.includes('titan-image')) return amazonImage(request);
  if (model.includes('stability.')) return stabilityImage(request);
  throw new GatewayError('invalid_request', `bedrock image generation supports amazon.nova-canvas-*, amazon.titan-image-generator-* and stability.* models, not "${request.model}".`, {
    param: 'model',
  });
}

function amazonImage(request: ImageRequest): ImageInvocation {
  const { width, height } = imageDimensions(request.size) ?? DEFAULT_SIZE;
  const premium = request.quality === 'hd' || request.quality === 'high';
  return {
    body: {
      taskType: 'TEXT_IMAGE',
      textToImageParams: { text: request.prompt },
      imageGenerationConfig: { numberOfImages: request.n ?? 1, width, height, quality: premium ? 'premium' : 'standard' },
    },
    read(answer) {
      const { images, error } = parseAnswer(amazonImagesSchema, answer, PROVIDER_NAME, 'an image answer');
      if (error || !images.length) throw new GatewayError('content_policy_violation', `${PROVIDER_NAME} made no image for this prompt${error ? `: ${error}` : ''}.`);
      return { created: createdNow(), data: images.map((b64_json) => ({ b64_json })) };
    },
  };
}

function stabilityImage(request: ImageRequest): ImageInvocation {
  if ((request.n ?? 1) > 1) throw new GatewayError('invalid_request', `${request.model} makes one image per request: send n: 1.`, { param: 'n' });
  const aspectRatio = nearestAspectRatio(request.size, STABILITY_ASPECT_RATIOS);
  return {
    body: { prompt: request.prompt, ...(aspectRatio && { aspect_ratio: aspectRatio }), ...(request.output_format && request.output_format !== 'webp' && { output_format: request.output_format }) },
    read(answer) {
      const { images, finish_reasons: reasons } = parseAnswer(stabilityImagesSchema, answer, PROVIDER_NAME, 'a Stability image answer');
      const reason = reasons?.find((r) => r);
      if (reason || !images.length) throw new GatewayError('content_policy_violation', `${PROVIDER_NAME} made no image for this prompt${reason ? `: ${reason}` : ''}.`);
      return { created: createdNow(), data: images.map((b64_json) => ({ b64_json })) };
    },
  };
}
