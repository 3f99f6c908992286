// POST /v1/images/generations and /v1/images/edits (a multipart upload): OpenAI's images, two kinds of
// model call on the pipeline, priced per image (by the model's quality and size entry) or, for the
// gpt-image models, per token from the usage they report.
import type { Route } from '../core/types.ts';
import type { FileLimit } from '../core/multipart.ts';
import { parseImageEditRequest, parseImageRequest, type ImageEditRequest, type ImageRequest, type ImagesResponse } from '../openai/images.ts';
import { estimateTextTokens } from '../openai/token-estimate.ts';
import { imageEditSize, imagePixels, imageSize } from '../pipeline/media-size.ts';
import type { UsageMeter } from '../pipeline/usage-meter.ts';
import { imagesSurface } from '../guardrails/surfaces/images.ts';
import type { ModelCallKind } from '../pipeline/model-call.ts';
import type { ModelCallPipeline } from '../pipeline/pipeline.ts';
import { attemptService } from '../pipeline/provider-call.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { routingOptions } from '../router/request-options.ts';

/** OpenAI's cap on each image given to edit (the gpt-image models'); the gateway's body limit applies too. */
const IMAGE_FILE_LIMIT: FileLimit = { maxFileBytes: 50 * 1024 * 1024, explanation: "the most OpenAI's image edits take" };

export function imagesEndpoint(pipeline: ModelCallPipeline, providers: ProviderRegistry): Route[] {
  return [pipeline.route(['/v1/images/generations', '/images/generations'], imageGeneration(providers)), pipeline.route(['/v1/images/edits', '/images/edits'], imageEdit(providers))];
}

function imageGeneration(providers: ProviderRegistry): ModelCallKind<ImageRequest, ImagesResponse> {
  return {
    callType: 'aimage_generation',
    modes: ['image_generation'],
    guard: imagesSurface,
    parse: parseImageRequest,
    plan: (body) => ({
      model: body.model,
      endUser: body.user,
      routing: routingOptions(body, body.model),
      promptTokens: estimateTextTokens(body.prompt),
      size: imageSize(body),
      prompt: body.prompt,
    }),
    attempt: (body, deployment, ctx) => attemptService('generateImage', body, deployment, ctx, providers),
    answer: (response, body, meter) => imagesAnswer(response, body, meter),
  };
}

function imageEdit(providers: ProviderRegistry): ModelCallKind<ImageEditRequest, ImagesResponse> {
  return {
    callType: 'aimage_edit',
    modes: ['image_generation'],
    guard: imagesSurface,
    multipart: IMAGE_FILE_LIMIT,
    parse: parseImageEditRequest,
    plan: (body) => ({
      model: body.model,
      endUser: body.user,
      // A form's fields are text: it carries no routing options; the config's retries and fallbacks apply.
      routing: routingOptions({}, body.model),
      promptTokens: estimateTextTokens(body.prompt),
      size: imageEditSize(body),
      prompt: body.prompt,
    }),
    attempt: (body, deployment, ctx) => attemptService('editImage', body, deployment, ctx, providers),
    answer: (response, body, meter) => imagesAnswer(response, body, meter),
  };
}

/** The images as the upstream answered, priced by the images made (and their pixels) or by the tokens it reports. */
function imagesAnswer(response: ImagesResponse, body: ImageRequest, meter: UsageMeter) {
  const usage = response.usage && {
    prompt_tokens: response.usage.input_tokens,
    completion_tokens: response.usage.output_tokens,
    total_tokens: response.usage.input_tokens + response.usage.output_tokens,
  };
  const images = response.data.length;
  const size = typeof response['size'] === 'string' ? response['size'] : body.size;
  return meter.json(response, usage, '', { images, pixels: imagePixels(images, size) });
}
