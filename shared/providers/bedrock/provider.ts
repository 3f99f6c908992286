// The Bedrock provider (`bedrock/<model id>`): chat through Converse / ConverseStream for any model
// Bedrock serves (model ids, cross-region inference profiles such as `us.anthropic...`, ARNs), and
// embeddings and images through InvokeModel. Translation lives in request.ts, response.ts, stream.ts and
// embeddings.ts; this module is the transport: the SDK client, timeouts, abort and errors.
import type { BedrockRuntimeClient, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { Deployment } from '../../config/types.ts';
import { GatewayError } from '../../core/errors.ts';
import { embeddingResponse, embeddingTexts } from '../../openai/embedding-encoding.ts';
import type { ChatCompletionChunk, EmbeddingResponse } from '../../openai/types.ts';
import type { ChatCall, ChatResult, EmbeddingCall, Provider } from '../types.ts';
import { parseAnswer } from '../upstream-answer.ts';
import { CallSignal } from './call.ts';
import { bedrockRerank } from './rerank.ts';
import { BEDROCK_PARAMS, bedrockClient, bedrockSdk, bedrockTarget, targetSecrets, targetUrl, type BedrockSdk } from './client.ts';
import { converseSchema } from './answer-schema.ts';
import { embeddingBatches, type EmbeddingBatch } from './embeddings.ts';
import { imageInvocation } from './images.ts';
import { bedrockError, PROVIDER_NAME } from './errors.ts';
import { toConverseInput } from './request.ts';
import { toChatCompletion } from './response.ts';
import { toChunks, type StreamOptions } from './stream.ts';

/** OpenAI parameters Converse has no counterpart for (LiteLLM's Bedrock config supports none of them). */
const UNSUPPORTED_PARAMS = [
  'frequency_penalty',
  'presence_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'n',
  'seed',
  'audio',
  'modalities',
  'prediction',
  'functions',
  'function_call',
  'service_tier',
  'store',
  'verbosity',
  'prompt_cache_key',
  'prompt_cache_retention',
  'safety_identifier',
  'web_search_options',
];

/** Titan embeds one text per call: this many calls run at once. */
const EMBEDDING_CONCURRENCY = 8;

export const bedrockProvider: Provider = {
  name: PROVIDER_NAME,
  requiresApiKey: false,
  requiresApiBase: false,
  extraParams: BEDROCK_PARAMS,
  unsupportedParams: new Set(UNSUPPORTED_PARAMS),
  // Cross-region inference profiles (`us.anthropic...`) cost what their model costs.
  priceKeys: (model) => [`bedrock/${modelId(model).replace(/^(us|eu|apac|us-gov|global)\./, '')}`],

  async chat({ request, deployment, signal }: ChatCall): Promise<ChatResult> {
    const model = modelId(request.model);
    const { input, jsonTool } = toConverseInput({ ...request, model });
    const { client, sdk, call, failure } = await start(deployment, signal);
    if (request.stream !== true) {
      call.arm(deployment.timeoutMs);
      try {
        const output = await client.send(new sdk.ConverseCommand(input), { abortSignal: call.signal });
        return { stream: false, completion: toChatCompletion(parseAnswer(converseSchema, output, PROVIDER_NAME, 'a Converse answer'), model, { jsonTool }) };
      } catch (error) {
        throw failure(error);
      } finally {
        call.stop();
      }
    }
    // stream_timeout, as for HTTP upstreams: the wait for the first byte, and the longest silence after it.
    const silenceMs = deployment.streamTimeoutMs ?? deployment.timeoutMs;
    call.arm(silenceMs);
    try {
      const output = await client.send(new sdk.ConverseStreamCommand(input), { abortSignal: call.signal });
      if (!output.stream) throw new GatewayError('upstream_error', `${PROVIDER_NAME} accepted the stream but sent no event stream.`);
      return { stream: true, chunks: streamed(output.stream, call, silenceMs, { model, jsonTool }, failure) };
    } catch (error) {
      call.stop();
      throw failure(error);
    }
  },

  async embed({ request, deployment, signal }: EmbeddingCall): Promise<EmbeddingResponse> {
    const model = modelId(request.model);
    const modelRequest = { ...request, model };
    const batches = embeddingBatches(modelRequest, embeddingTexts(request, PROVIDER_NAME));
    const { client, sdk, call, failure } = await start(deployment, signal);
    call.arm(deployment.timeoutMs);
    const read: Array<ReturnType<EmbeddingBatch['read']>> = [];
    try {
      for (let i = 0; i < batches.length; i += EMBEDDING_CONCURRENCY) {
        read.push(...(await Promise.all(batches.slice(i, i + EMBEDDING_CONCURRENCY).map((batch) => invoke(client, sdk, model, batch, call.signal)))));
      }
    } catch (error) {
      throw failure(error);
    } finally {
      call.stop();
    }
    return embeddingResponse(
      read.flatMap((r) => r.vectors),
      modelRequest,
      read.reduce((sum, r) => sum + r.tokens, 0),
    );
  },

  rerank: bedrockRerank,

  async generateImage({ request, deployment, signal }) {
    const model = modelId(request.model);
    const invocation = imageInvocation({ ...request, model });
    const { client, sdk, call, failure } = await start(deployment, signal);
    call.arm(deployment.timeoutMs);
    try {
      const output = await client.send(new sdk.InvokeModelCommand({ modelId: model, contentType: 'application/json', accept: 'application/json', body: JSON.stringify(invocation.body) }), {
        abortSignal: call.signal,
      });
      return invocation.read(invokeAnswer(output.body, 'image'));
    } catch (error) {
      throw failure(error);
    } finally {
      call.stop();
    }
  },
};

/**
 * LiteLLM's route prefixes (`bedrock/converse/...`, `bedrock/invoke/...`) are not part of the model
 * id. Tollgate always uses Converse, which serves every chat model the Invoke route does.
 */
function modelId(model: string): string {
  return model.replace(/^(converse|invoke)\//, '');
}

async function start(deployment: Deployment, signal: AbortSignal) {
  const target = bedrockTarget(deployment);
  const [client, sdk] = await Promise.all([bedrockClient(target), bedrockSdk()]);
  const call = new CallSignal(signal);
  const failure = (error: unknown) => bedrockError(error, { url: targetUrl(target), signal, deadline: call.deadline, secrets: targetSecrets(target) });
  return { client, sdk, call, failure };
}

async function* streamed(
  events: AsyncIterable<ConverseStreamOutput>,
  call: CallSignal,
  idleMs: number,
  options: StreamOptions,
  failure: (error: unknown) => GatewayError,
): AsyncGenerator<ChatCompletionChunk> {
  try {
    yield* toChunks(rearming(events, call, idleMs), options);
  } catch (error) {
    throw failure(error);
  } finally {
    // Finished, failed, or the consumer stopped early: the upstream stream is cancelled, not drained.
    call.stop();
  }
}

/**
 * Restarts the deadline at every event: for streams, the timeout is the longest silence. A stream
 * cut by the deadline or the client's leaving just ends, so that is raised as the abort it was.
 */
async function* rearming(events: AsyncIterable<ConverseStreamOutput>, call: CallSignal, idleMs: number): AsyncGenerator<ConverseStreamOutput> {
  call.arm(idleMs);
  for await (const event of events) {
    call.arm(idleMs);
    yield event;
  }
  call.signal.throwIfAborted();
}

/** Bedrock reports the input token count of models whose answer lacks it (Cohere) in a response header. */
const INPUT_TOKENS_HEADER = 'x-amzn-bedrock-input-token-count';

async function invoke(client: BedrockRuntimeClient, sdk: BedrockSdk, model: string, batch: EmbeddingBatch, signal: AbortSignal): Promise<ReturnType<EmbeddingBatch['read']>> {
  const command = new sdk.InvokeModelCommand({ modelId: model, contentType: 'application/json', accept: 'application/json', body: JSON.stringify(batch.body) });
  let headerTokens: number | undefined;
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const value = (result.response as { headers?: Record<string, string | undefined> }).headers?.[INPUT_TOKENS_HEADER];
      if (value && Number.isFinite(Number(value))) headerTokens = Number(value);
      return result;
    },
    { step: 'deserialize', name: 'tollgateInputTokenCount' },
  );
  const output = await client.send(command, { abortSignal: signal });
  return batch.read(invokeAnswer(output.body, 'embeddings'), headerTokens);
}

/** An InvokeModel answer's JSON body. */
function invokeAnswer(body: Uint8Array | undefined, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(body ?? new Uint8Array()).toString('utf8'));
  } catch {
    throw new GatewayError('upstream_error', `${PROVIDER_NAME} answered the ${what} request with a body that is not JSON.`);
  }
}
