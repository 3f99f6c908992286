// POST /v1/images/generations: OpenAI's image generation, one kind of model call on the pipeline,
// priced per image (by the model's quality and size entry) or, for the gpt-image models, per token
// from the usage they report.
import type { Route } from '../core/types.ts';
import { parseImageRequest, type ImageRequest, type ImagesResponse } from '../openai/images.ts';
import { estimateTextTokens } from '../openai/token-estimate.ts';
import { imagePixels, imageSize } from '../pipeline/media-size.ts';
import type { ModelCallKind } from '../pipeline/model-call.ts';
import type { ModelCallPipeline } from '../pipeline/pipeline.ts';
import { attemptService } from '../pipeline/provider-call.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { routingOptions } from '../router/request-options.ts';

export function imagesEndpoint(pipeline: ModelCallPipeline, providers: ProviderRegistry): Route[] {
  return [pipeline.route(['/v1/images/generations', '/images/generations'], imageGeneration(providers))];
}

function imageGeneration(providers: ProviderRegistry): ModelCallKind<ImageRequest, ImagesResponse> {
  return {
    callType: 'aimage_generation',
    modes: ['image_generation'],
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
    answer(response, body, meter) {
      const usage = response.usage && {
        prompt_tokens: response.usage.input_tokens,
        completion_tokens: response.usage.output_tokens,
        total_tokens: response.usage.input_tokens + response.usage.output_tokens,
      };
      const images = response.data.length;
      const size = typeof response['size'] === 'string' ? response['size'] : body.size;
      return meter.json(response, usage, '', { images, pixels: imagePixels(images, size) });
    },
  };
}
