// What a provider module is: it takes an OpenAI-shaped chat request for one deployment and answers
// with an OpenAI-shaped completion or a stream of chunks. Translation lives inside the provider.
import type { Deployment, ProviderRequirements } from '../config/types.ts';
import type { RerankRequest, RerankResponse } from '../cohere-format/rerank.ts';
import type { SpeechAnswer, SpeechRequest, TranscriptAnswer, TranscriptionRequest } from '../openai/audio.ts';
import type { ImageEditRequest, ImageRequest, ImagesResponse } from '../openai/images.ts';
import type { ModerationRequest, ModerationResponse } from '../openai/moderations.ts';
import type { GenerateContentRequest } from '../google-format/generate-content.ts';
import type { GoogleAnswer } from './gemini/passthrough.ts';
import type { CountTokensAnswer } from './gemini/answer-schema.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, EmbeddingRequest, EmbeddingResponse } from '../openai/types.ts';

export interface ChatCall {
  /** The client's body, checked, gateway-only fields removed, `model` set to the upstream model. */
  request: ChatCompletionRequest;
  deployment: Deployment;
  signal: AbortSignal;
  /** LiteLLM's `mock_response`: the text (or `litellm.<Error>`) to answer with. Only the mock provider is given it. */
  mockResponse?: string;
}

export type ChatResult =
  | { stream: false; completion: ChatCompletion }
  /** Resolved only once the upstream has accepted the request: until then a failure can be retried elsewhere. */
  | { stream: true; chunks: AsyncIterable<ChatCompletionChunk> };

export interface Provider extends ProviderRequirements {
  /** The `litellm_params.model` prefix, e.g. `groq`. */
  readonly name: string;
  /** OpenAI chat parameters this provider cannot take: a 400, or dropped under `drop_params`. */
  readonly unsupportedParams: ReadonlySet<string>;
  /**
   * Where a model of this provider is listed in the price table (shared/pricing/prices.json): its keys
   * there (`<section>/<model id>`), most likely first; none when the table lists none of its models
   * (they are priced by their config entry alone). `model` is the upstream model id, or the rest of a
   * `model_info.base_model` that names this provider.
   */
  priceKeys(model: string): string[];
  chat(call: ChatCall): Promise<ChatResult>;
  /** Present on providers that serve POST /v1/embeddings. */
  embed?: EmbeddingProvider['embed'];
  /** Present on providers that serve POST /v1/images/generations: images in OpenAI's answer shape. */
  generateImage?(call: UpstreamCall<ImageRequest>): Promise<ImagesResponse>;
  /** Present on providers that serve POST /v1/images/edits (a multipart upload). */
  editImage?(call: UpstreamCall<ImageEditRequest>): Promise<ImagesResponse>;
  /** POST /v1/audio/transcriptions and /v1/audio/translations: the transcript as the upstream wrote it. */
  transcribe?(call: UpstreamCall<TranscriptionRequest>): Promise<TranscriptAnswer>;
  translate?(call: UpstreamCall<TranscriptionRequest>): Promise<TranscriptAnswer>;
  /** POST /v1/audio/speech: the audio as it arrives, once the upstream has accepted the request. */
  speak?(call: UpstreamCall<SpeechRequest>): Promise<SpeechAnswer>;
  /** POST /v1/rerank: the ranking in Cohere's shape. */
  rerank?(call: UpstreamCall<RerankRequest>): Promise<RerankResponse>;
  /** POST /v1/moderations: OpenAI's answer as it is. */
  moderate?(call: UpstreamCall<ModerationRequest>): Promise<ModerationResponse>;
  /** The /gemini and /vertex_ai pass-through: Google's generateContent body forwarded, its answer as Google sent it. */
  generateContent?(call: UpstreamCall<GenerateContentRequest>): Promise<GoogleAnswer>;
  /** The same routes' `:countTokens`: Google's count of the body's tokens. */
  countContentTokens?(call: UpstreamCall<GenerateContentRequest>): Promise<CountTokensAnswer>;
}

/** A call of another kind than chat: the client's checked body (gateway-only fields removed, `model` the upstream model) on one deployment. */
export interface UpstreamCall<Request> {
  request: Request;
  deployment: Deployment;
  signal: AbortSignal;
}

export interface EmbeddingCall {
  /** OpenAI embeddings body, gateway-only fields removed, `model` set to the upstream model. */
  request: EmbeddingRequest;
  deployment: Deployment;
  signal: AbortSignal;
}

/** Providers that serve embeddings implement this beside `chat`. */
export interface EmbeddingProvider {
  embed(call: EmbeddingCall): Promise<EmbeddingResponse>;
}
