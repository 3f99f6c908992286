// A fake Anthropic Messages API on 127.0.0.1 whose model is the scripted one (scripted-model.ts):
// POST /v1/messages answered as JSON or as Anthropic's SSE events, POST /v1/messages/count_tokens,
// and the checks the real API makes that a gateway's translation could trip (key, anthropic-version,
// model, max_tokens within the model's limit, tool_result blocks answering the previous tool_use,
// thinking blocks sent back unchanged in a tool loop).
import type { ServerResponse } from 'node:http';
import { budgetRuleBroken, contentText, fakeId, forcedToolName, pieces, replyTokens, scriptedReply, thinkingRuleBroken, tokenCount, type Conversation, type Reply } from './scripted-model.ts';
import { sendJson, sendSse, startRecordingServer, type RecordedRequest, type RecordingServer } from './recording-server.ts';

export interface FakeAnthropicOptions {
  apiKey: string;
  /** The models served, with their maximum output tokens (from Anthropic's models overview). */
  models: Record<string, number>;
}

export function startFakeAnthropic(options: FakeAnthropicOptions): Promise<RecordingServer> {
  return startRecordingServer((request, res) => answer(request, res, options));
}

function answer(request: RecordedRequest, res: ServerResponse, options: FakeAnthropicOptions): void | Promise<void> {
  const path = request.url.split('?')[0];
  if (request.method !== 'POST' || (path !== '/v1/messages' && path !== '/v1/messages/count_tokens')) {
    return sendError(res, 404, 'not_found_error', 'Not Found');
  }
  if (request.headers['x-api-key'] !== options.apiKey) return sendError(res, 401, 'authentication_error', 'invalid x-api-key');
  if (!request.headers['anthropic-version']) return sendError(res, 400, 'invalid_request_error', 'anthropic-version: header is required');
  const body = request.json;
  if (!body || typeof body !== 'object') return sendError(res, 400, 'invalid_request_error', 'The request body is not valid JSON.');
  const limit = options.models[body.model];
  if (limit === undefined) return sendError(res, 404, 'not_found_error', `model: ${body.model}`);
  const invalid = invalidMessages(body.messages);
  if (invalid) return sendError(res, 400, 'invalid_request_error', invalid);
  // The API's metadata holds only user_id; anything else is refused.
  const extraMetadata = Object.keys(body.metadata ?? {}).find((field) => field !== 'user_id');
  if (extraMetadata) return sendError(res, 400, 'invalid_request_error', `metadata.${extraMetadata}: Extra inputs are not permitted`);
  if (path === '/v1/messages/count_tokens') return sendJson(res, 200, { input_tokens: tokenCount(JSON.stringify(body.messages)) });
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return sendError(res, 400, 'invalid_request_error', 'max_tokens: Field required');
  if (body.max_tokens > limit) {
    return sendError(res, 400, 'invalid_request_error', `max_tokens: ${body.max_tokens} > ${limit}, which is the maximum allowed number of output tokens for ${body.model}`);
  }
  const thinking = invalidThinking(body);
  if (thinking) return sendError(res, 400, 'invalid_request_error', thinking);
  const reply = scriptedReply(conversation(body));
  const inputTokens = tokenCount(JSON.stringify(body.messages) + JSON.stringify(body.system ?? ''));
  const omitThinking = body.thinking?.display === 'omitted';
  return body.stream ? sendSse(res, streamEvents(body.model, reply, inputTokens, omitThinking)) : sendJson(res, 200, message(body.model, reply, inputTokens, omitThinking));
}

const thinkingOn = (body: any) => body.thinking?.type === 'enabled' || body.thinking?.type === 'adaptive';

/** With thinking on, the assistant turn that tool results answer must start with its signed thinking block. */
function invalidThinking(body: any): string | undefined {
  if (!thinkingOn(body)) return undefined;
  const budget = budgetRuleBroken(body.thinking, body.max_tokens);
  if (budget) return budget;
  const turns = body.messages.map((m: any, index: number) => ({ m, index })).filter(({ m }: any) => m.role !== 'system');
  const [previous, last] = turns.slice(-2);
  const answersTools = Array.isArray(last?.m.content) && last.m.content.some((b: any) => b?.type === 'tool_result');
  if (!answersTools || previous?.m.role !== 'assistant') return undefined;
  return thinkingRuleBroken(Array.isArray(previous.m.content) ? previous.m.content[0] : { type: 'text' }, `messages.${previous.index}.content.0`);
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  sendJson(res, status, { type: 'error', error: { type, message }, request_id: fakeId('req_') });
}

/** What the real API says about tool_result blocks that do not answer the previous message's tool_use. */
function invalidMessages(messages: unknown): string | undefined {
  if (!Array.isArray(messages) || !messages.length) return 'messages: Field required';
  // System entries may sit between turns; the turns around them are what must pair up.
  const turns = messages.map((m, index) => ({ m, index })).filter(({ m }) => m?.role !== 'system');
  for (const [position, { m, index }] of turns.entries()) {
    if (m?.role !== 'user' && m?.role !== 'assistant') return `messages.${index}.role: Input should be 'user' or 'assistant'`;
    const blocks: any[] = Array.isArray(m.content) ? m.content : [];
    const previous = turns[position - 1]?.m;
    const offered = new Set((Array.isArray(previous?.content) ? previous.content : []).filter((b: any) => b?.type === 'tool_use').map((b: any) => b.id));
    const unexpected = blocks.filter((b) => b?.type === 'tool_result' && !offered.has(b.tool_use_id)).map((b) => b.tool_use_id);
    if (m.role === 'user' && unexpected.length) {
      return `messages.${index}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.join(', ')}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
    }
  }
  return undefined;
}

export function conversation(body: any): Conversation {
  const lastUser = [...body.messages].reverse().find((m: any) => m.role === 'user');
  const blocks: any[] = typeof lastUser?.content === 'string' ? [{ type: 'text', text: lastUser.content }] : (lastUser?.content ?? []);
  const tools: string[] = (body.tools ?? []).map((tool: any) => tool.name).filter(Boolean);
  const choice = body.tool_choice;
  return {
    userText: blocks
      .filter((b) => b.type === 'text')
      .map((b) => b.text)
      .join('\n'),
    toolResults: blocks.filter((b) => b.type === 'tool_result').map((b) => contentText(b.content)),
    tools,
    forcedTool: forcedToolName(choice?.type === 'tool' ? choice.name : undefined, choice?.type === 'any', tools),
    // Structured outputs: output_config.format, or output_format as its beta first spelled it.
    wantsJson: Boolean(body.output_config?.format ?? body.output_format),
    thinking: thinkingOn(body),
  };
}

/** `display: "omitted"` asks for the thinking block's signature without its text. */
function contentBlocks(reply: Reply, omitThinking: boolean): any[] {
  const blocks: any[] = [];
  if (reply.thinking) blocks.push({ type: 'thinking', thinking: omitThinking ? '' : reply.thinking.text, signature: reply.thinking.signature });
  if (reply.text) blocks.push({ type: 'text', text: reply.text });
  if (reply.toolCall) blocks.push({ type: 'tool_use', id: fakeId('toolu_'), name: reply.toolCall.name, input: reply.toolCall.input });
  return blocks;
}

export function message(model: string, reply: Reply, inputTokens: number, omitThinking: boolean) {
  return {
    id: fakeId('msg_'),
    type: 'message',
    role: 'assistant',
    model,
    content: contentBlocks(reply, omitThinking),
    stop_reason: reply.toolCall ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: replyTokens(reply) },
  };
}

/** The documented event sequence: message_start, each block's start/deltas/stop, message_delta, message_stop. */
export function streamEvents(model: string, reply: Reply, inputTokens: number, omitThinking: boolean): string[] {
  const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const whole = message(model, reply, inputTokens, omitThinking);
  const events = [event('message_start', { message: { ...whole, content: [], stop_reason: null, usage: { ...whole.usage, output_tokens: 1 } } })];
  whole.content.forEach((block, index) => {
    if (block.type === 'thinking') {
      events.push(event('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
      for (const thinking of block.thinking ? pieces(block.thinking, 2) : []) events.push(event('content_block_delta', { index, delta: { type: 'thinking_delta', thinking } }));
      events.push(event('content_block_delta', { index, delta: { type: 'signature_delta', signature: block.signature } }));
    } else if (block.type === 'text') {
      events.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      if (index === 0 || whole.content[index - 1]?.type === 'thinking') events.push(event('ping', {}));
      for (const text of pieces(block.text)) events.push(event('content_block_delta', { index, delta: { type: 'text_delta', text } }));
    } else {
      events.push(event('content_block_start', { index, content_block: { ...block, input: {} } }));
      for (const partial_json of pieces(JSON.stringify(block.input), 2)) events.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } }));
    }
    events.push(event('content_block_stop', { index }));
  });
  events.push(event('message_delta', { delta: { stop_reason: whole.stop_reason, stop_sequence: null }, usage: { output_tokens: whole.usage.output_tokens } }));
  events.push(event('message_stop', {}));
  return events;
}
