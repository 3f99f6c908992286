// LiteLLM's Bedrock pass-through for Claude: POST /bedrock/model/{model}/invoke and
// /invoke-with-response-stream, as Claude Code on Bedrock (ANTHROPIC_BEDROCK_BASE_URL=<gateway>/bedrock)
// and the AWS SDKs call them. The body is Anthropic's Messages request with Bedrock's `anthropic_version`
// and the model in the path; it is the /v1/messages kind of call (shared/endpoints/messages.ts), pipeline
// and all. A non-streamed answer is the Anthropic message, as Bedrock answers it; a streamed one is
// Bedrock's event stream, each Anthropic event a `chunk` whose `bytes` are the event's JSON, base64.
import { EVENT_STREAM_CONTENT_TYPE, eventStreamMessage } from '../core/event-stream.ts';
import type { GatewayError } from '../core/errors.ts';
import type { Route } from '../core/types.ts';
import type { ModelCallPipeline } from '../pipeline/pipeline.ts';
import type { ChatDeps } from './chat-completions.ts';
import { messages } from './messages.ts';

export function bedrockInvokeEndpoint(pipeline: ModelCallPipeline, deps: ChatDeps): Route[] {
  return [pipeline.route(['/bedrock/model/{model}/invoke'], bedrockInvoke(deps, false)), pipeline.route(['/bedrock/model/{model}/invoke-with-response-stream'], bedrockInvoke(deps, true))];
}

function bedrockInvoke(deps: ChatDeps, streamed: boolean): ReturnType<typeof messages> {
  const kind = messages(deps);
  return {
    ...kind,
    // Bedrock's errors are `{"message"}`, the exception named by the status.
    errorBody: (error: GatewayError) => ({ message: error.message }),
    // Bedrock names the API version in the body and streams by path; the Messages API takes neither field.
    parse: (json, headers, ctx) => {
      const { anthropic_version: _version, ...message } = json;
      return kind.parse({ ...message, stream: streamed }, headers, ctx);
    },
    async answer(committed, call, meter, ctx) {
      const reply = await kind.answer(committed, call, meter, ctx);
      if (typeof reply.body === 'string') return reply;
      return { ...reply, headers: { ...reply.headers, 'content-type': EVENT_STREAM_CONTENT_TYPE }, body: asEventStream(reply.body) };
    },
  };
}

/** Anthropic's server-sent events, re-framed one by one as Bedrock's `chunk` messages. */
async function* asEventStream(frames: AsyncIterable<string | Uint8Array>): AsyncIterable<Uint8Array> {
  let pending = '';
  for await (const frame of frames) {
    pending += typeof frame === 'string' ? frame : Buffer.from(frame).toString('utf8');
    let end = pending.indexOf('\n\n');
    while (end >= 0) {
      const data = pending
        .slice(0, end)
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      pending = pending.slice(end + 2);
      end = pending.indexOf('\n\n');
      if (data) yield eventStreamMessage({ ':event-type': 'chunk', ':content-type': 'application/json', ':message-type': 'event' }, JSON.stringify({ bytes: Buffer.from(data).toString('base64') }));
    }
  }
}
