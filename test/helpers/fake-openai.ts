// A fake OpenAI API on 127.0.0.1 whose model is the scripted one (scripted-model.ts), serving the
// Responses API too (fake-openai-responses.ts). Chat Completions:
// POST /v1/chat/completions answered as a `chat.completion` or as `chat.completion.chunk` SSE (the
// usage chunk when `stream_options.include_usage` asks for it), with the checks the real API makes
// that a gateway's translation could trip (key, model, roles, tool messages answering the previous
// tool_calls, max_tokens within the model's limit, the parameters only reasoning models take).
import type { ServerResponse } from 'node:http';
import { contentText, fakeId, forcedToolName, pieces, replyTokens, scriptedReply, tokenCount, type Conversation, type Reply } from './scripted-model.ts';
import { answerResponses } from './fake-openai-responses.ts';
import { sendJson, sendSse, startRecordingServer, type RecordedRequest, type RecordingServer } from './recording-server.ts';

export interface FakeOpenAIOptions {
  apiKey: string;
  /** The models served: maximum output tokens (from OpenAI's model pages), and whether it is a reasoning model. */
  models: Record<string, { maxOutputTokens: number; reasoning: boolean }>;
  /** A pause between streamed chat chunks: a slow model, for clients that leave mid-stream. */
  streamGapMs?: number;
}

/** The APIs served, by path: Chat Completions here, the Responses API in fake-openai-responses.ts. */
const API_PATHS: Record<string, 'chat' | 'responses' | 'completions'> = { '/v1/chat/completions': 'chat', '/v1/responses': 'responses', '/v1/completions': 'completions' };

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

export function startFakeOpenAI(options: FakeOpenAIOptions): Promise<RecordingServer> {
  return startRecordingServer((request, res) => answer(request, res, options));
}

function answer(request: RecordedRequest, res: ServerResponse, options: FakeOpenAIOptions): void | Promise<void> {
  const api = API_PATHS[request.url];
  if (request.method !== 'POST' || !api) return sendError(res, 404, `Invalid URL (${request.method} ${request.url})`, null, null);
  if (request.headers['authorization'] !== `Bearer ${options.apiKey}`) return sendError(res, 401, 'Incorrect API key provided.', null, 'invalid_api_key', 'invalid_request_error');
  const body = request.json;
  if (!body || typeof body !== 'object') return sendError(res, 400, 'We could not parse the JSON body of your request.', null, null);
  if (api === 'responses') return answerResponses(request, res, options.models, (status, message, param, code) => sendError(res, status, message, param, code));
  if (api === 'completions') return answerTextCompletion(body, res, options);
  const model = options.models[body.model];
  if (model === undefined) return sendError(res, 404, `The model \`${body.model}\` does not exist or you do not have access to it.`, null, 'model_not_found');
  const invalid = invalidMessages(body.messages);
  if (invalid) return sendError(res, 400, invalid.message, invalid.param, null);
  // What the API answers a non-reasoning model asked to reason, and a reasoning model sent the older max_tokens.
  if (!model.reasoning && body.reasoning_effort != null) return sendError(res, 400, 'Unrecognized request argument supplied: reasoning_effort', null, null);
  if (model.reasoning && body.max_tokens != null) {
    return sendError(res, 400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'max_tokens', 'unsupported_parameter');
  }
  for (const param of ['max_tokens', 'max_completion_tokens']) {
    if (typeof body[param] === 'number' && body[param] > model.maxOutputTokens) {
      return sendError(
        res,
        400,
        `${param} is too large: ${body[param]}. This model supports at most ${model.maxOutputTokens} completion tokens, whereas you provided ${body[param]}.`,
        param,
        'invalid_value',
      );
    }
  }
  const reply = scriptedReply(conversation(body));
  const usage = { prompt_tokens: tokenCount(JSON.stringify(body.messages)), completion_tokens: replyTokens(reply) };
  const usageBody = { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
  if (!body.stream) return sendJson(res, 200, completion(body.model, reply, usageBody));
  return sendSse(res, chunks(body.model, reply, body.stream_options?.include_usage ? usageBody : undefined), options.streamGapMs);
}

function sendError(res: ServerResponse, status: number, message: string, param: string | null, code: string | null, type = 'invalid_request_error'): void {
  sendJson(res, status, { error: { message, type, param, code } });
}

/** The real API's refusals of a conversation whose tool messages and tool_calls do not pair up. */
function invalidMessages(messages: unknown): { message: string; param: string } | undefined {
  if (!Array.isArray(messages) || !messages.length) return { message: "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", param: 'messages' };
  for (const [index, m] of messages.entries()) {
    if (!ROLES.has(m?.role))
      return { message: `Invalid value: '${m?.role}'. Supported values are: 'system', 'assistant', 'user', 'tool', 'function', and 'developer'.`, param: `messages[${index}].role` };
    if (m.role === 'assistant' && Array.isArray(m.tool_calls) && m.tool_calls.length) {
      const answered = new Set<string>();
      for (let next = index + 1; messages[next]?.role === 'tool'; next++) answered.add(messages[next].tool_call_id);
      const missing = m.tool_calls.map((call: any) => call.id).filter((id: string) => !answered.has(id));
      if (missing.length) {
        return {
          message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${missing.join(', ')}`,
          param: `messages.[${index}].role`,
        };
      }
    }
    if (m.role === 'tool') {
      let back = index - 1;
      while (messages[back]?.role === 'tool') back--;
      const calls: any[] = messages[back]?.role === 'assistant' ? (messages[back].tool_calls ?? []) : [];
      if (!calls.some((call) => call.id === m.tool_call_id)) {
        return { message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", param: `messages.[${index}].role` };
      }
    }
  }
  return undefined;
}

export function conversation(body: any): Conversation {
  const messages: any[] = body.messages;
  const toolResults: string[] = [];
  for (let index = messages.length - 1; messages[index]?.role === 'tool'; index--) toolResults.unshift(contentText(messages[index].content));
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const tools: string[] = (body.tools ?? []).map((tool: any) => tool.function?.name).filter(Boolean);
  const choice = body.tool_choice;
  return {
    userText:
      typeof lastUser?.content === 'string'
        ? lastUser.content
        : (lastUser?.content ?? [])
            .filter((p: any) => p.type === 'text')
            .map((p: any) => p.text)
            .join('\n'),
    toolResults,
    tools,
    forcedTool: forcedToolName(choice?.type === 'function' ? choice.function?.name : undefined, choice === 'required', tools),
    wantsJson: body.response_format?.type === 'json_schema' || body.response_format?.type === 'json_object',
  };
}

function toolCalls(reply: Reply) {
  if (!reply.toolCall) return undefined;
  return [{ id: fakeId('call_'), type: 'function', function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.input) } }];
}

export function completion(model: string, reply: Reply, usage: object) {
  const calls = toolCalls(reply);
  return {
    id: fakeId('chatcmpl-'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply.text ?? null, refusal: null, annotations: [], ...(calls && { tool_calls: calls }) },
        logprobs: null,
        finish_reason: calls ? 'tool_calls' : 'stop',
      },
    ],
    usage,
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
}

/** Chunks as OpenAI streams them: the role, content pieces, the tool call's name then its arguments, the finish, the usage. */
export function chunks(model: string, reply: Reply, usage: object | undefined): string[] {
  const id = fakeId('chatcmpl-');
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: object, finish_reason: string | null = null) =>
    `data: ${JSON.stringify({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: 'fp_fake',
      choices: [{ index: 0, delta, logprobs: null, finish_reason }],
      ...(usage && { usage: null }),
    })}\n\n`;
  const out = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const content of pieces(reply.text ?? '')) out.push(chunk({ content }));
  const [call] = toolCalls(reply) ?? [];
  if (call) {
    out.push(chunk({ tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
    for (const args of pieces(call.function.arguments, 2)) out.push(chunk({ tool_calls: [{ index: 0, function: { arguments: args } }] }));
  }
  out.push(chunk({}, call ? 'tool_calls' : 'stop'));
  if (usage) out.push(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_fake', choices: [], usage })}\n\n`);
  out.push('data: [DONE]\n\n');
  return out;
}

/**
 * The legacy POST /v1/completions, as its API reference shows it: a `text_completion` (the scripted
 * reply to the prompt), or its chunks with a usage-only chunk when `stream_options.include_usage` asks.
 * Like the real API it refuses several prompts with stream, and a prompt that is missing.
 */
function answerTextCompletion(body: any, res: ServerResponse, options: FakeOpenAIOptions): void | Promise<void> {
  if (options.models[body.model] === undefined) return sendError(res, 404, `The model \`${body.model}\` does not exist or you do not have access to it.`, null, 'model_not_found');
  if (typeof body.prompt !== 'string') return sendError(res, 400, "Invalid type for 'prompt': expected a string here.", 'prompt', null);
  const reply = scriptedReply({ userText: body.prompt, toolResults: [], tools: [], wantsJson: false });
  const text = `${body.echo ? body.prompt : ''}${reply.text ?? ''}${body.suffix ?? ''}`;
  const usage = { prompt_tokens: tokenCount(body.prompt), completion_tokens: replyTokens(reply) };
  const usageBody = { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
  const id = fakeId('cmpl-');
  const created = Math.floor(Date.now() / 1000);
  const completion = (choiceText: string, finish_reason: string | null) => ({
    id,
    object: 'text_completion',
    created,
    model: body.model,
    choices: [{ text: choiceText, index: 0, logprobs: null, finish_reason }],
  });
  if (!body.stream) return sendJson(res, 200, { ...completion(text, 'stop'), usage: usageBody });
  const out = pieces(text).map((piece) => `data: ${JSON.stringify(completion(piece, null))}\n\n`);
  out.push(`data: ${JSON.stringify(completion('', 'stop'))}\n\n`);
  if (body.stream_options?.include_usage) out.push(`data: ${JSON.stringify({ id, object: 'text_completion', created, model: body.model, choices: [], usage: usageBody })}\n\n`);
  out.push('data: [DONE]\n\n');
  return sendSse(res, out);
}
