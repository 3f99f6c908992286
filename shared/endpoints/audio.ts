// OpenAI's audio API, three kinds of model call on the pipeline: transcriptions and translations (a
// multipart upload, priced per second of audio heard) and speech (priced per character, its audio
// streamed to the client as it arrives, the spend record written before the last bytes go out).
import { asGatewayError } from '../core/errors.ts';
import type { FileLimit } from '../core/multipart.ts';
import type { RequestContext, Route } from '../core/types.ts';
import { parseSpeechRequest, parseTranscriptionRequest, type SpeechAnswer, type SpeechRequest, type TranscriptAnswer, type TranscriptionRequest } from '../openai/audio.ts';
import { estimateTextTokens } from '../openai/token-estimate.ts';
import type { UnitUsage } from '../pricing/units.ts';
import { estimatedSeconds } from '../pipeline/audio-duration.ts';
import { afterFirstChunk } from '../pipeline/commit-point.ts';
import { characters, speechSize, transcriptionSize } from '../pipeline/media-size.ts';
import type { ModelCallKind } from '../pipeline/model-call.ts';
import type { ModelCallPipeline } from '../pipeline/pipeline.ts';
import { attemptService } from '../pipeline/provider-call.ts';
import type { UsageMeter } from '../pipeline/usage-meter.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { routingOptions } from '../router/request-options.ts';

/** OpenAI's cap on an uploaded audio file; the gateway's body limit (general_settings.max_request_size_mb) applies too. */
const AUDIO_FILE_LIMIT: FileLimit = { maxFileBytes: 25 * 1024 * 1024, explanation: "the most OpenAI's audio API takes" };

export function audioEndpoints(pipeline: ModelCallPipeline, providers: ProviderRegistry): Route[] {
  return [
    pipeline.route(['/v1/audio/transcriptions', '/audio/transcriptions'], transcript('transcribe', 'atranscription', providers)),
    pipeline.route(['/v1/audio/translations', '/audio/translations'], transcript('translate', 'atranslation', providers)),
    pipeline.route(['/v1/audio/speech', '/audio/speech'], speech(providers)),
  ];
}

function transcript(service: 'transcribe' | 'translate', callType: string, providers: ProviderRegistry): ModelCallKind<TranscriptionRequest, TranscriptAnswer> {
  return {
    callType,
    modes: ['audio_transcription'],
    multipart: AUDIO_FILE_LIMIT,
    parse: parseTranscriptionRequest,
    plan: (body) => ({
      model: body.model,
      endUser: body.user,
      // A form's fields are text: it carries no routing options; the config's retries and fallbacks apply.
      routing: routingOptions({}, body.model),
      promptTokens: estimateTextTokens(body.prompt ?? ''),
      size: transcriptionSize(body),
      prompt: body.prompt ?? '',
    }),
    attempt: (body, deployment, ctx) => attemptService(service, body, deployment, ctx, providers),
    answer: (answer, body, meter) => meter.whole(answer.body, undefined, '', { seconds: answer.seconds ?? estimatedSeconds(body.file.bytes) }, answer.contentType),
  };
}

function speech(providers: ProviderRegistry): ModelCallKind<SpeechRequest, SpeechAnswer> {
  return {
    callType: 'aspeech',
    modes: ['audio_speech'],
    parse: parseSpeechRequest,
    plan: (body) => ({
      model: body.model,
      endUser: body.user,
      routing: routingOptions(body, body.model),
      promptTokens: estimateTextTokens(body.input),
      size: speechSize(body),
      prompt: body.input,
    }),
    // The commit point is the first audio bytes: a failure before them may be retried elsewhere.
    attempt: async (body, deployment, ctx) => {
      const answer = await attemptService('speak', body, deployment, ctx, providers);
      return { ...answer, audio: await afterFirstChunk(answer.audio, ctx.timings) };
    },
    answer: (answer, body, meter, ctx) => ({
      headers: { ...meter.headers(), 'content-type': answer.contentType },
      body: audioOut(answer.audio, meter, { characters: characters(body.input) }, ctx),
    }),
  };
}

/**
 * Audio bytes as they arrive, one chunk held back so that the spend record is written before the last
 * goes out. Audio has no in-band error: a failure after the first bytes cuts the answer short.
 */
async function* audioOut(audio: AsyncIterable<Buffer>, meter: UsageMeter, units: UnitUsage, ctx: RequestContext): AsyncGenerator<Uint8Array> {
  let finished = false;
  try {
    let held: Buffer | undefined;
    for await (const chunk of audio) {
      if (held) yield held;
      held = chunk;
    }
    await meter.beforeLastEvent(undefined, '', units);
    if (held) yield held;
    finished = true;
  } catch (error) {
    if (!ctx.signal.aborted) {
      ctx.error = asGatewayError(error);
      ctx.log.warn('audio stream failed after the first byte', { requestId: ctx.requestId, kind: ctx.error.kind });
    }
    throw error;
  } finally {
    // The upstream was asked to speak the whole input: a client that left is charged for it.
    if (!finished) meter.cutShort('', units);
  }
}
