// One attempt of a kind of call that only some providers serve (images, audio, rerank, moderation):
// the deployment's provider if it serves it, else a 400 naming the providers that do; the call timed
// as the request's upstream call (its answer is whole, so its first byte is its last).
import type { Deployment } from '../config/types.ts';
import { GatewayError } from '../core/errors.ts';
import type { RequestContext } from '../core/types.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { Provider, UpstreamCall } from '../providers/types.ts';
import { withoutGatewayFields } from '../providers/params.ts';
import { providerOf } from './chat-attempt.ts';

/** The provider methods of these kinds, and what the error calls them. */
const SERVICES = {
  generateImage: 'image generation',
  editImage: 'image editing',
  transcribe: 'audio transcription',
  translate: 'audio translation',
  speak: 'text-to-speech',
  rerank: 'rerank',
  moderate: 'moderation',
  generateContent: 'Gemini generateContent',
} as const;

export type ProviderService = keyof typeof SERVICES;
type ServiceMethod<S extends ProviderService> = NonNullable<Provider[S]>;
type ServiceAnswer<S extends ProviderService> = Awaited<ReturnType<ServiceMethod<S>>>;
type ServiceRequest<S extends ProviderService> = Parameters<ServiceMethod<S>>[0] extends UpstreamCall<infer R> ? R : never;

export async function attemptService<S extends ProviderService>(
  service: S,
  body: ServiceRequest<S>,
  deployment: Deployment,
  ctx: Pick<RequestContext, 'signal' | 'timings'>,
  providers: ProviderRegistry,
): Promise<ServiceAnswer<S>> {
  const provider = providerOf(providers, deployment.provider);
  const method = provider[service] as ((call: UpstreamCall<ServiceRequest<S>>) => Promise<ServiceAnswer<S>>) | undefined;
  if (!method) {
    const serving = [...providers.values()].filter((candidate) => candidate[service]).map((candidate) => candidate.name);
    throw new GatewayError(
      'invalid_request',
      `Model "${(body as { model: string }).model}" does not serve ${SERVICES[service]}: its provider ${provider.name} has no ${SERVICES[service]} API in Tollgate. Use a model configured with one that has (${serving.join(', ')}).`,
      { param: 'model' },
    );
  }
  ctx.timings.upstreamStart = Date.now();
  const answer = await method.call(provider, { request: withoutGatewayFields(body as ServiceRequest<S> & { model: string }, deployment.upstreamModel), deployment, signal: ctx.signal });
  ctx.timings.firstByte = Date.now();
  return answer;
}
