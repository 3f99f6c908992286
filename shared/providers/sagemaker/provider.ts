// Amazon SageMaker endpoints, by the AWS SDK (InvokeEndpoint, and InvokeEndpointWithResponseStream for
// streams), signed with the AWS credential chain or `aws_*` params as Bedrock is: `sagemaker/<endpoint>`
// speaks to a Hugging Face text-generation container (./text-generation.ts), `sagemaker_chat/<endpoint>`
// to a container serving the Messages API (OpenAI's chat body and answers, e.g. TGI's /v1/chat/completions).
// A stream's payload parts are the container's SSE bytes, parsed as they arrive.
import type { ResponseStream } from '@aws-sdk/client-sagemaker-runtime';
import type { Deployment } from '../../config/types.ts';
import { GatewayError } from '../../core/errors.ts';
import { sseEvents, type SseEvent } from '../../http/sse-events.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../../openai/types.ts';
import { targetOf, targetSecrets } from '../bedrock/client.ts';
import { CallSignal } from '../bedrock/call.ts';
import { bedrockError } from '../bedrock/errors.ts';
import { completionSchema } from '../openai-compatible/answer-schema.ts';
import { toChatCompletion } from '../openai-compatible/answer.ts';
import { openAIChunks } from '../openai-compatible/provider.ts';
import type { Provider } from '../types.ts';
import { parseAnswer } from '../upstream-answer.ts';
import { sageMakerClient, sageMakerSdk, sageMakerUrl } from './client.ts';
import { textGenerationBody, textGenerationChunks, textGenerationCompletion } from './text-generation.ts';

/** What a container takes and answers. */
interface ContainerFormat {
  body(request: ChatCompletionRequest): unknown;
  completion(answer: unknown, request: ChatCompletionRequest, provider: string): ChatCompletion;
  chunks(events: AsyncIterable<SseEvent>, request: ChatCompletionRequest, provider: string, deployment: Deployment): AsyncIterable<ChatCompletionChunk>;
}

const TEXT_GENERATION: ContainerFormat = {
  body: textGenerationBody,
  completion: textGenerationCompletion,
  chunks: (events, request, provider) => textGenerationChunks(events, request, provider),
};

const MESSAGES_API: ContainerFormat = {
  body: (request) => ({ ...request, ...(request.stream ? { stream_options: { ...request.stream_options, include_usage: true } } : {}) }),
  completion: (answer, request, provider) => toChatCompletion(parseAnswer(completionSchema, answer, provider, 'a chat completion'), request.model),
  chunks: (events, request, provider, deployment) => openAIChunks(events, provider, request.model, deployment),
};

const AWS_PARAMS = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_region_name'];

export const sageMakerProvider = sageMaker('sagemaker', TEXT_GENERATION);
export const sageMakerChatProvider = sageMaker('sagemaker_chat', MESSAGES_API);

function sageMaker(name: string, format: ContainerFormat): Provider {
  return {
    name,
    requiresApiKey: false,
    requiresApiBase: false,
    extraParams: AWS_PARAMS,
    unsupportedParams: new Set(name === 'sagemaker' ? ['n', 'tools', 'tool_choice', 'response_format', 'logit_bias', 'logprobs', 'top_logprobs'] : []),
    // Endpoints are the team's own, priced by their config entry; LiteLLM's table lists JumpStart's Llama 2 ones (`sagemaker/meta-textgeneration-llama-2-7b`).
    priceKeys: (model) => [`sagemaker/${model}`],

    async chat({ request, deployment, signal }) {
      const target = targetOf(deployment.params, deployment.apiBase);
      const [client, sdk] = await Promise.all([sageMakerClient(target), sageMakerSdk()]);
      const call = new CallSignal(signal);
      const failure = (error: unknown) => bedrockError(error, { url: sageMakerUrl(target), signal, deadline: call.deadline, secrets: targetSecrets(target), provider: name });
      const input = { EndpointName: deployment.upstreamModel, ContentType: 'application/json', Accept: 'application/json', Body: JSON.stringify(format.body(request)) };
      if (!request.stream) {
        call.arm(deployment.timeoutMs);
        try {
          const output = await client.send(new sdk.InvokeEndpointCommand(input), { abortSignal: call.signal });
          return { stream: false, completion: format.completion(json(output.Body, name), request, name) };
        } catch (error) {
          throw failure(error);
        } finally {
          call.stop();
        }
      }
      call.arm(deployment.streamTimeoutMs ?? deployment.timeoutMs);
      let body: AsyncIterable<ResponseStream> | undefined;
      try {
        body = (await client.send(new sdk.InvokeEndpointWithResponseStreamCommand(input), { abortSignal: call.signal })).Body;
      } catch (error) {
        call.stop();
        throw failure(error);
      }
      return { stream: true, chunks: streamed(body, call, deployment.timeoutMs, (events) => format.chunks(events, request, name, deployment), failure) };
    },
  };
}

async function* streamed(
  body: AsyncIterable<ResponseStream> | undefined,
  call: CallSignal,
  idleMs: number,
  translate: (events: AsyncIterable<SseEvent>) => AsyncIterable<ChatCompletionChunk>,
  failure: (error: unknown) => GatewayError,
): AsyncGenerator<ChatCompletionChunk> {
  try {
    yield* translate(sseEvents(payloadBytes(body, call, idleMs)));
  } catch (error) {
    throw failure(error);
  } finally {
    // Finished, failed, or the consumer stopped early: the upstream stream is cancelled, not drained.
    call.stop();
  }
}

/** The payload parts' bytes; the deadline restarts at each part, so for streams it measures silence. */
async function* payloadBytes(body: AsyncIterable<ResponseStream> | undefined, call: CallSignal, idleMs: number): AsyncGenerator<Uint8Array> {
  call.arm(idleMs);
  for await (const part of body ?? []) {
    call.arm(idleMs);
    if (part.PayloadPart?.Bytes) yield part.PayloadPart.Bytes;
  }
  call.signal.throwIfAborted();
}

function json(body: Uint8Array | undefined, provider: string): unknown {
  try {
    return JSON.parse(Buffer.from(body ?? new Uint8Array()).toString('utf8'));
  } catch {
    throw new GatewayError('upstream_error', `${provider} answered with a body that is not JSON.`);
  }
}
