// Google's own format in and out, for the /gemini and /vertex_ai pass-through routes on a `gemini/` or
// `vertex_ai/` Gemini deployment: the client's generateContent body goes upstream as it came and the
// answer comes back as Google sent it, streamed event by event (`?alt=sse`). Transport and error
// mapping are the chat provider's (./generate.ts); only the URL and credentials differ per host.
import type { SseEvent } from '../../http/sse-events.ts';
import { translateUpstreamStream } from '../../http/upstream-stream.ts';
import { callUpstream, readJson } from '../../http/upstream.ts';
import { upstreamBody, type GenerateContentRequest } from '../../google-format/generate-content.ts';
import type { UpstreamCall } from '../types.ts';
import { parseAnswer, parseEvent } from '../upstream-answer.ts';
import { countTokensSchema, generateContentSchema, type CountTokensAnswer, type GenerateContentAnswer } from './answer-schema.ts';
import { googleHttpError, googleStreamError } from './errors.ts';
import { googleMethodRequest, type GeminiTarget } from './generate.ts';

export type GoogleAnswer = { stream: false; answer: GenerateContentAnswer } | { stream: true; events: AsyncIterable<GoogleEvent> };

/** One event of a stream: its data as Google sent it, and what the gateway reads of it. */
export interface GoogleEvent {
  data: string;
  answer: GenerateContentAnswer;
}

export async function forwardGenerateContent({ request, deployment, signal }: UpstreamCall<GenerateContentRequest>, target: GeminiTarget): Promise<GoogleAnswer> {
  const { stream } = request;
  const upstream = googleMethodRequest(target, deployment, stream ? 'streamGenerateContent' : 'generateContent', upstreamBody(request), signal);
  const response = await callUpstream(upstream, (status, text, headers) => googleHttpError(target, status, text, headers));
  if (!stream) return { stream: false, answer: parseAnswer(generateContentSchema, await readJson(response, upstream), target.provider, 'a generateContent answer') };
  return { stream: true, events: translateUpstreamStream(response.body, upstream, target.provider, (events) => failingOnFirstError(events, target)) };
}

/** `:countTokens`: the count as Google answers it (`totalTokens`, and per modality). */
export async function forwardCountTokens({ request, deployment, signal }: UpstreamCall<GenerateContentRequest>, target: GeminiTarget): Promise<CountTokensAnswer> {
  const upstream = googleMethodRequest(target, deployment, 'countTokens', upstreamBody(request), signal);
  const response = await callUpstream(upstream, (status, text, headers) => googleHttpError(target, status, text, headers));
  return parseAnswer(countTokensSchema, await readJson(response, upstream), target.provider, 'a countTokens answer');
}

/** Events as Google sent them; an error in the first one fails the call (so the router can retry it elsewhere), later ones reach the client in-band. */
async function* failingOnFirstError(events: AsyncIterable<SseEvent>, target: GeminiTarget): AsyncGenerator<GoogleEvent> {
  let first = true;
  for await (const event of events) {
    if (!event.data.trim()) continue;
    const answer = parseEvent(generateContentSchema, JSON.parse(event.data), target.provider, 'a generateContent answer');
    if (first && answer.error) throw googleStreamError(target, answer.error);
    first = false;
    yield { data: event.data, answer };
  }
}
