// OpenAI's Responses API on the fake OpenAI upstream (fake-openai.ts), answered by the scripted model
// (scripted-model.ts) in the shapes of OpenAI's API reference: a `response` object, or its SSE events
// (`event:` lines, `sequence_number`). Like the real API it stores responses (unless `store: false`)
// so that `previous_response_id` continues a conversation it holds, refuses parameters it does not
// know, and refuses a function_call_output whose call it never saw.
import type { ServerResponse } from 'node:http';
import { contentText, fakeId, forcedToolName, pieces, replyTokens, scriptedReply, tokenCount, type Conversation, type Reply } from './scripted-model.ts';
import { sendJson, sendSse, type RecordedRequest } from './recording-server.ts';

/** Request fields the real API takes (as of the openai package pinned here); anything else is its 400. */
const KNOWN_PARAMS = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'text',
  'reasoning',
  'max_output_tokens',
  'max_tool_calls',
  'temperature',
  'top_p',
  'top_logprobs',
  'metadata',
  'user',
  'store',
  'previous_response_id',
  'stream',
  'stream_options',
  'include',
  'truncation',
  'prompt_cache_key',
  'client_metadata',
  'prompt_cache_retention',
  'safety_identifier',
  'service_tier',
  'background',
  'conversation',
  'prompt',
]);

/** The conversations the fake holds: its own responses by id, each with the items that led to it. */
const stored = new Map<string, { items: any[]; output: any[] }>();

export function answerResponses(
  request: RecordedRequest,
  res: ServerResponse,
  models: Record<string, unknown>,
  sendError: (status: number, message: string, param: string | null, code: string | null) => void,
): void | Promise<void> {
  const body = request.json;
  const unknown = Object.keys(body).find((key) => !KNOWN_PARAMS.has(key));
  if (unknown) return sendError(400, `Unknown parameter: '${unknown}'.`, unknown, 'unknown_parameter');
  if (models[body.model] === undefined) return sendError(404, `The model \`${body.model}\` does not exist or you do not have access to it.`, null, 'model_not_found');
  let earlier: any[] = [];
  if (body.previous_response_id != null) {
    const previous = stored.get(body.previous_response_id);
    if (!previous) return sendError(404, `Previous response with id '${body.previous_response_id}' not found.`, 'previous_response_id', 'previous_response_not_found');
    earlier = [...previous.items, ...previous.output];
  }
  const given: any[] = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : (body.input ?? []);
  const items = [...earlier, ...given];
  const calls = new Set(items.filter((item) => item.type === 'function_call').map((item) => item.call_id));
  for (const [index, item] of given.entries()) {
    if (item.type === 'function_call_output' && !calls.has(item.call_id)) {
      return sendError(400, `No tool call found for function call output with call_id ${item.call_id}.`, `input[${index}]`, null);
    }
  }
  const reply = scriptedReply(conversation(items, body));
  const usage = {
    input_tokens: tokenCount(JSON.stringify(items) + (body.instructions ?? '')),
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: replyTokens(reply),
    output_tokens_details: { reasoning_tokens: 0 },
  };
  const response = {
    id: fakeId('resp_'),
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: `${body.model}-2025-04-14`,
    output: outputItems(reply),
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: body.text?.format ?? { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? 'disabled',
    usage: { ...usage, total_tokens: usage.input_tokens + usage.output_tokens },
    user: body.user ?? null,
    metadata: body.metadata ?? {},
  };
  if (body.store !== false) stored.set(response.id, { items, output: response.output });
  if (!body.stream) return sendJson(res, 200, response);
  return sendSse(res, events(response));
}

function conversation(items: any[], body: any): Conversation {
  const toolResults: string[] = [];
  for (let index = items.length - 1; items[index]?.type === 'function_call_output'; index--) toolResults.unshift(contentText(items[index].output));
  const lastUser = [...items].reverse().find((item) => (item.type ?? 'message') === 'message' && item.role === 'user');
  const tools: string[] = (body.tools ?? []).filter((tool: any) => tool.type === 'function').map((tool: any) => tool.name);
  const choice = body.tool_choice;
  const format = body.text?.format?.type;
  return {
    userText: contentText(lastUser?.content),
    toolResults,
    tools,
    forcedTool: forcedToolName(choice?.type === 'function' ? choice.name : undefined, choice === 'required', tools),
    wantsJson: format === 'json_schema' || format === 'json_object',
  };
}

function outputItems(reply: Reply): any[] {
  const output: any[] = [];
  if (reply.text) output.push({ type: 'message', id: fakeId('msg_'), status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: reply.text, annotations: [], logprobs: [] }] });
  if (reply.toolCall) {
    output.push({ type: 'function_call', id: fakeId('fc_'), call_id: fakeId('call_'), name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.input), status: 'completed' });
  }
  return output;
}

/** The events OpenAI streams for a response, as its API reference shows them. */
function events(response: any): string[] {
  let sequence = 0;
  const event = (type: string, fields: object) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`;
  const started = { ...response, status: 'in_progress', output: [], usage: null };
  const out = [event('response.created', { response: started }), event('response.in_progress', { response: started })];
  for (const [output_index, item] of response.output.entries()) {
    if (item.type === 'message') {
      const text = item.content[0].text;
      out.push(event('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', content: [] } }));
      const at = { item_id: item.id, output_index, content_index: 0 };
      out.push(event('response.content_part.added', { ...at, part: { type: 'output_text', text: '', annotations: [] } }));
      for (const delta of pieces(text)) out.push(event('response.output_text.delta', { ...at, delta, logprobs: [] }));
      out.push(event('response.output_text.done', { ...at, text, logprobs: [] }));
      out.push(event('response.content_part.done', { ...at, part: item.content[0] }));
    } else {
      out.push(event('response.output_item.added', { output_index, item: { ...item, arguments: '', status: 'in_progress' } }));
      for (const delta of pieces(item.arguments, 2)) out.push(event('response.function_call_arguments.delta', { item_id: item.id, output_index, delta }));
      out.push(event('response.function_call_arguments.done', { item_id: item.id, output_index, arguments: item.arguments }));
    }
    out.push(event('response.output_item.done', { output_index, item }));
  }
  out.push(event('response.completed', { response }));
  return out;
}
