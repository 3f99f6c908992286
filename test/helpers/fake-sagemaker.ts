// A fake SageMaker Runtime on 127.0.0.1 (HTTP/1.1, as the SDK's default handler speaks to it):
// InvokeEndpoint (`POST /endpoints/{name}/invocations`) answered with the container's JSON, and
// InvokeEndpointWithResponseStream (`/invocations-response-stream`) with `PayloadPart` event-stream
// frames (encoded with @smithy/eventstream-codec) whose bytes are the container's SSE. Two containers,
// chosen by the body: a Hugging Face text-generation container (`inputs`) and a Messages API one
// (`messages`), each answering the scripted model (scripted-model.ts). Refuses a request without a
// SigV4 signature for the sagemaker service, as AWS does.
import type { ServerResponse } from 'node:http';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { sigV4Scope } from './fake-bedrock.ts';
import { contentText, fakeId, pieces, replyTokens, scriptedReply, tokenCount } from './scripted-model.ts';
import { sendJson, startRecordingServer, type RecordedRequest, type RecordingServer } from './recording-server.ts';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export function startFakeSageMaker(): Promise<RecordingServer> {
  return startRecordingServer((request, res) => answer(request, res));
}

function answer(request: RecordedRequest, res: ServerResponse): void {
  const scope = sigV4Scope(request.headers['authorization']);
  if (scope?.service !== 'sagemaker') {
    sendJson(res, 403, { message: 'Missing Authentication Token' }, { 'x-amzn-errortype': 'UnrecognizedClientException' });
    return;
  }
  const match = /^\/endpoints\/([^/]+)\/(invocations|invocations-response-stream)$/.exec(request.url);
  if (request.method !== 'POST' || !match) {
    sendJson(res, 404, { message: 'Not Found' });
    return;
  }
  if (match[1] === 'missing') {
    sendJson(res, 400, { message: 'Endpoint missing of account 123456789012 not found.' }, { 'x-amzn-errortype': 'ValidationError' });
    return;
  }
  const body = request.json;
  const stream = match[2] === 'invocations-response-stream';
  const answer = Array.isArray(body.messages) ? messagesApi(body, stream) : textGeneration(body, stream);
  if (!stream) {
    sendJson(res, 200, answer);
    return;
  }
  const sse = answer as string[];
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-sagemaker-content-type': 'text/event-stream' });
  // Payload parts need not end on an event boundary: split each event in two.
  for (const event of sse) {
    const half = Math.ceil(event.length / 2);
    for (const bytes of [event.slice(0, half), event.slice(half)]) res.write(payloadPart(bytes));
  }
  res.end();
}

function payloadPart(text: string): Uint8Array {
  const string = (value: string) => ({ type: 'string' as const, value });
  return codec.encode({ headers: { ':message-type': string('event'), ':event-type': string('PayloadPart'), ':content-type': string('application/octet-stream') }, body: fromUtf8(text) });
}

/** TGI's /generate: `[{generated_text, details}]`, or token events. */
function textGeneration(body: any, stream: boolean): unknown {
  const reply = scriptedReply({ userText: String(body.inputs), toolResults: [], tools: [], wantsJson: false });
  const text = reply.text ?? '';
  const details = { finish_reason: 'eos_token', generated_tokens: replyTokens(reply) };
  if (!stream) return [{ generated_text: text, details }];
  const tokens = pieces(text);
  return tokens.map(
    (piece, i) =>
      `data:${JSON.stringify({ token: { id: i, text: piece, special: false }, generated_text: i === tokens.length - 1 ? text : null, details: i === tokens.length - 1 ? details : null })}\n\n`,
  );
}

/** TGI's Messages API: OpenAI's chat completion, or its chunks. */
function messagesApi(body: any, stream: boolean): unknown {
  const userText = contentText([...body.messages].reverse().find((m: any) => m.role === 'user')?.content);
  const reply = scriptedReply({ userText, toolResults: [], tools: [], wantsJson: false });
  const usage = { prompt_tokens: tokenCount(JSON.stringify(body.messages)), completion_tokens: replyTokens(reply), total_tokens: tokenCount(JSON.stringify(body.messages)) + replyTokens(reply) };
  const base = { id: fakeId('chatcmpl-'), created: 1, model: 'tgi', system_fingerprint: '3.0.0-native' };
  if (!stream) return { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: reply.text }, logprobs: null, finish_reason: 'stop' }], usage };
  const chunk = (delta: unknown, finish: string | null) => ({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null });
  const events = [chunk({ role: 'assistant', content: '' }, null), ...pieces(reply.text ?? '').map((piece) => chunk({ content: piece }, null)), chunk({}, 'stop')];
  if (body.stream_options?.include_usage) events.push({ ...base, object: 'chat.completion.chunk', choices: [], usage } as never);
  return [...events.map((event) => `data: ${JSON.stringify(event)}\n\n`), 'data: [DONE]\n\n'];
}
