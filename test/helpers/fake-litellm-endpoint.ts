// The stand-in for the fake upstream LiteLLM's own sample config and e2e tests call
// (exampleopenaiendpoint-production.up.railway.app): an OpenAI-shaped API on 127.0.0.1 that answers any
// model with any key, on OpenAI's paths, Azure's (`/openai/deployments/{deployment}/...`) and Anthropic's
// `/v1/messages`, so every deployment of LiteLLM's proxy_server_config.yaml can point at it. Chat and
// message answers come from the scripted model (fake-openai.ts's and fake-anthropic.ts's shapes);
// embeddings, moderations, images and legacy completions are answered in OpenAI's shapes with fixed values.
import type { ServerResponse } from 'node:http';
import { conversation as anthropicConversation, message, streamEvents } from './fake-anthropic.ts';
import { chunks, completion, conversation } from './fake-openai.ts';
import { sendJson, sendSse, startRecordingServer, type RecordedRequest, type RecordingServer } from './recording-server.ts';
import { pieces, replyTokens, scriptedReply, tokenCount } from './scripted-model.ts';

export function startFakeLiteLLMEndpoint(): Promise<RecordingServer> {
  return startRecordingServer((request, res) => answer(request, res));
}

function answer(request: RecordedRequest, res: ServerResponse): void | Promise<void> {
  const path = request.url.split('?')[0]!;
  const azure = /^\/openai\/deployments\/([^/]+)\//.exec(path);
  const body = request.json ?? {};
  const model: string = azure ? decodeURIComponent(azure[1]!) : body.model;
  if (request.method !== 'POST' || typeof model !== 'string')
    return sendJson(res, 404, { error: { message: `Invalid URL (${request.method} ${path})`, type: 'invalid_request_error', param: null, code: null } });
  if (path === '/v1/messages') {
    const reply = scriptedReply(anthropicConversation(body));
    const inputTokens = tokenCount(JSON.stringify(body.messages ?? []));
    return body.stream ? sendSse(res, streamEvents(model, reply, inputTokens, false)) : sendJson(res, 200, message(model, reply, inputTokens, false));
  }
  if (path.endsWith('/chat/completions')) {
    const reply = scriptedReply(conversation(body));
    const prompt = tokenCount(JSON.stringify(body.messages ?? []));
    const usage = { prompt_tokens: prompt, completion_tokens: replyTokens(reply), total_tokens: prompt + replyTokens(reply) };
    if (!body.stream) return sendJson(res, 200, completion(model, reply, usage));
    return sendSse(res, chunks(model, reply, body.stream_options?.include_usage ? usage : undefined));
  }
  if (path.endsWith('/embeddings')) {
    const inputs: unknown[] = Array.isArray(body.input) ? body.input : [body.input];
    const data = inputs.map((_, index) => ({ object: 'embedding', index, embedding: [0.5, 0.25, 0.125] }));
    return sendJson(res, 200, { object: 'list', data, model, usage: { prompt_tokens: inputs.length, total_tokens: inputs.length } });
  }
  if (path.endsWith('/moderations')) {
    const inputs: unknown[] = Array.isArray(body.input) ? body.input : [body.input];
    return sendJson(res, 200, { id: 'modr-fake', model, results: inputs.map(() => ({ flagged: false, categories: { violence: false }, category_scores: { violence: 0.01 } })) });
  }
  if (path.endsWith('/images/generations')) {
    const image = body.response_format === 'b64_json' ? { b64_json: Buffer.from('fake image').toString('base64') } : { url: 'https://example.com/fake-image.png' };
    return sendJson(res, 200, { created: Math.floor(Date.now() / 1000), data: Array.from({ length: body.n ?? 1 }, () => image) });
  }
  if (path.endsWith('/completions')) {
    const text = scriptedReply({ userText: String(body.prompt ?? ''), toolResults: [], tools: [], wantsJson: false }).text ?? '';
    const usage = { prompt_tokens: tokenCount(String(body.prompt ?? '')), completion_tokens: tokenCount(text), total_tokens: tokenCount(String(body.prompt ?? '')) + tokenCount(text) };
    const created = Math.floor(Date.now() / 1000);
    const answer = (piece: string, finish: string | null) => ({
      id: 'cmpl-fake',
      object: 'text_completion',
      created,
      model,
      choices: [{ text: piece, index: 0, logprobs: null, finish_reason: finish }],
    });
    if (!body.stream) return sendJson(res, 200, { ...answer(text, 'stop'), usage });
    const events = [...pieces(text).map((piece) => `data: ${JSON.stringify(answer(piece, null))}`), `data: ${JSON.stringify(answer('', 'stop'))}`];
    if (body.stream_options?.include_usage) events.push(`data: ${JSON.stringify({ ...answer('', null), choices: [], usage })}`);
    return sendSse(res, [...events, 'data: [DONE]']);
  }
  return sendJson(res, 404, { error: { message: `Invalid URL (POST ${path})`, type: 'invalid_request_error', param: null, code: null } });
}
