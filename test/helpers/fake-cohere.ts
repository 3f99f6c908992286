// A fake Cohere v2 API on 127.0.0.1 whose model is the scripted one (scripted-model.ts): POST /v2/chat
// answered as JSON or as Cohere's SSE stream events (`message-start`, `content-start`, `content-delta`,
// `content-end`, `tool-plan-delta`, `tool-call-start`, `tool-call-delta`, `tool-call-end`,
// `message-end`), POST /v2/embed (float vectors, billed input tokens), and the checks the real API
// makes that a translation could trip: the Bearer key, a model, messages with Cohere's roles, a tool
// message answering a call the assistant made, `embedding_types` and `input_type` on embed.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { contentText, fakeId, pieces, replyTokens, scriptedReply, tokenCount } from './scripted-model.ts';
import { sendJson, sendSse, startRecordingServer, type RecordedRequest, type RecordingServer } from './recording-server.ts';

export interface FakeCohereOptions {
  apiKey: string;
}

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

export function startFakeCohere(options: FakeCohereOptions): Promise<RecordingServer> {
  return startRecordingServer((request, res) => answer(request, res, options));
}

function answer(request: RecordedRequest, res: ServerResponse, options: FakeCohereOptions): void | Promise<void> {
  if (request.headers['authorization'] !== `Bearer ${options.apiKey}`) return sendJson(res, 401, { id: fakeId(''), message: 'invalid api token' });
  const body = request.json;
  if (!body?.model) return sendJson(res, 400, { id: fakeId(''), message: 'invalid request: model must be specified' });
  if (request.method === 'POST' && request.url === '/v2/embed') return embed(body, res);
  if (request.method !== 'POST' || request.url !== '/v2/chat') return sendJson(res, 404, { message: `Not Found: ${request.url}` });
  const invalid = invalidMessages(body.messages);
  if (invalid) return sendJson(res, 400, { id: fakeId(''), message: invalid });
  const messages: any[] = body.messages;
  const last = messages.at(-1);
  const toolResults = last.role === 'tool' ? messages.slice(messages.findLastIndex((m) => m.role !== 'tool') + 1).map((m) => contentText(m.content)) : [];
  const userText = contentText([...messages].reverse().find((m) => m.role === 'user')?.content);
  const tools: string[] = (body.tools ?? []).map((tool: any) => tool.function?.name);
  const reply = scriptedReply({ userText, toolResults, tools, wantsJson: body.response_format?.type === 'json_object' });
  const toolCall = reply.toolCall && { id: fakeId('call_'), type: 'function', function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.input) } };
  const usage = {
    billed_units: { input_tokens: tokenCount(JSON.stringify(messages)), output_tokens: replyTokens(reply) },
    tokens: { input_tokens: tokenCount(JSON.stringify(messages)) + 7, output_tokens: replyTokens(reply) },
  };
  const finishReason = toolCall ? 'TOOL_CALL' : 'COMPLETE';
  const id = fakeId('');
  if (!body.stream) {
    const message = toolCall ? { role: 'assistant', tool_plan: reply.text, tool_calls: [toolCall] } : { role: 'assistant', content: [{ type: 'text', text: reply.text ?? '' }] };
    return sendJson(res, 200, { id, finish_reason: finishReason, message, usage });
  }
  const events: Array<Record<string, unknown>> = [{ type: 'message-start', id, delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } }];
  if (toolCall) {
    for (const piece of pieces(reply.text ?? '')) events.push({ type: 'tool-plan-delta', delta: { message: { tool_plan: piece } } });
    const [head, ...rest] = pieces(toolCall.function.arguments);
    events.push({ type: 'tool-call-start', index: 0, delta: { message: { tool_calls: { ...toolCall, function: { name: toolCall.function.name, arguments: head } } } } });
    for (const piece of rest) events.push({ type: 'tool-call-delta', index: 0, delta: { message: { tool_calls: { function: { arguments: piece } } } } });
    events.push({ type: 'tool-call-end', index: 0 });
  } else {
    events.push({ type: 'content-start', index: 0, delta: { message: { content: { type: 'text', text: '' } } } });
    for (const piece of pieces(reply.text ?? '')) events.push({ type: 'content-delta', index: 0, delta: { message: { content: { text: piece } } } });
    events.push({ type: 'content-end', index: 0 });
  }
  events.push({ type: 'message-end', delta: { finish_reason: finishReason, usage } });
  return sendSse(
    res,
    events.map((event) => `event: ${event['type']}\ndata: ${JSON.stringify(event)}\n\n`),
  );
}

function invalidMessages(messages: unknown): string | undefined {
  if (!Array.isArray(messages) || !messages.length) return 'invalid request: messages must be a non-empty list';
  const called = new Set<string>();
  for (const [i, message] of messages.entries()) {
    if (!ROLES.has(message?.role)) return `invalid request: messages[${i}].role must be one of system, user, assistant, tool`;
    for (const call of message.tool_calls ?? []) called.add(call.id);
    if (message.role === 'tool' && !called.has(message.tool_call_id)) return `invalid request: messages[${i}].tool_call_id does not answer a tool call`;
  }
  return undefined;
}

function embed(body: any, res: ServerResponse): void {
  const invalid =
    !Array.isArray(body.texts) || !body.texts.length
      ? 'texts must be a non-empty list'
      : !body.input_type
        ? 'input_type is required for embed models v3 and higher.'
        : !Array.isArray(body.embedding_types)
          ? 'embedding_types is required'
          : undefined;
  if (invalid) {
    sendJson(res, 400, { message: `invalid request: ${invalid}` });
    return;
  }
  const vector = (text: string) => [...createHash('sha256').update(text).digest()].slice(0, 8).map((byte) => byte / 255);
  sendJson(res, 200, {
    id: fakeId(''),
    texts: body.texts,
    embeddings: { float: body.texts.map(vector) },
    meta: { api_version: { version: '2' }, billed_units: { input_tokens: body.texts.reduce((sum: number, text: string) => sum + tokenCount(text), 0) } },
    response_type: 'embeddings_by_type',
  });
}
