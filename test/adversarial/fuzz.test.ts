// The standing adversarial suite: property-based fuzzing (fast-check) of every route in the route
// table, against the real gateway with its store on dynalite and fake upstreams on 127.0.0.1. Bodies
// are valid ones with fields replaced by hostile values, hostile objects, and junk; queries, path
// segments, keys and end-user headers are hostile too. Whatever comes in: never a 500, and every
// non-2xx is an error in OpenAI's format (Anthropic's on /v1/messages); a stream never carries the
// gateway's internal error either. (A 503 with Retry-After from load shedding, and a 502 from a
// misbehaving upstream, are correct answers.)
//
// Seeded and of a fixed size, so CI time stays bounded and a failure can be replayed: the failure
// prints its seed; FUZZ_SEED=<seed> and FUZZ_RUNS=<n> re-run it or run longer.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { gatewayRoutes } from '../../shared/app.ts';
import { buildUi } from '../../ui/build.ts';
import { silentLog } from '../../shared/core/log.ts';
import type { Route } from '../../shared/core/types.ts';
import { virtualKeyOptions } from '../../shared/keys/gateway-options.ts';
import { fixtures } from '../helpers/fixtures.ts';
import { startGateway, testConfig, type TestGateway } from '../helpers/gateway.ts';
import { openTestStore, startDynamo } from '../helpers/identity.ts';
import { sendSse, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { CATALOGUE, junkBody, mutationsOf, nastyObject, nastyString, pathsOf, render } from './nasty-json.ts';
import { ADMIN_API } from '../../shared/admin-api.ts';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20_261_205);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1000);
const MASTER = 'sk-fuzz-master';

const openai = fixtures('openai');
const anthropic = fixtures('anthropic');
const gemini = fixtures('gemini');

let dynamo: EmbeddedDynamo;
let upstream: RecordingServer;
let gateway: TestGateway;
let virtualKey: string;
/** The routes the gateway serves, built from the same config: what the suite fuzzes. */
let routes: Route[];

const openaiFrames = openai.sseFrames('chat-stream.sse');
const anthropicFrames = anthropic.sseFrames('stream-text.sse');
const geminiFrames = gemini.sseFrames('stream-function-call.sse');
const embeddingsAnswer = (count: number) => ({
  object: 'list',
  model: 'text-embedding-3-small',
  data: Array.from({ length: count }, (_, index) => ({ object: 'embedding', index, embedding: [0.1, -0.2, 0.3] })),
  usage: { prompt_tokens: 3, total_tokens: 3 },
});

/**
 * How the fake upstream answers: as the real ones do (unset); with one status and body to everything
 * (`raw`); or with its real answers, one part of each replaced by a hostile value (JSON texts, and SSE
 * frames with one event's data replaced).
 */
type UpstreamPlan =
  | { kind: 'raw'; status: number; body: string; sse: boolean }
  | { kind: 'mutated'; completion: string; chunks: string[]; message: string; events: string[]; embeddings: string; countTokens: string; generated: string; generatedEvents: string[] };

/** What the fake upstream last answered, for failure reports. */
let lastServed = '';

/** An OpenAI and an Anthropic upstream in one, answering whatever arrives as `plan` says. */
function answer(upstreamServer: RecordingServer, plan?: UpstreamPlan): void {
  upstreamServer.respond(async (request, res) => {
    const json = (status: number, text: string) => {
      lastServed = `${status} ${text}`;
      res.writeHead(status, { 'content-type': 'application/json' }).end(text);
    };
    const sse = (frames: string[]) => {
      lastServed = frames.join('');
      return sendSse(res, frames);
    };
    if (plan?.kind === 'raw') return plan.sse ? sse([`data: ${plan.body}\n\n`, 'data: [DONE]\n\n']) : json(plan.status, plan.body);
    const body = request.json ?? {};
    const streamed = body.stream === true;
    if (request.url.includes(':streamGenerateContent')) return sse(plan ? plan.generatedEvents : geminiFrames);
    if (request.url.includes(':generateContent')) return json(200, plan ? plan.generated : gemini.fixture('generate-function-call.json'));
    if (request.url.endsWith('/messages/count_tokens')) return json(200, plan ? plan.countTokens : JSON.stringify({ input_tokens: 12 }));
    if (request.url.endsWith('/messages')) {
      if (streamed) return sse(plan ? plan.events : anthropicFrames);
      return json(200, plan ? plan.message : anthropic.fixture('message-text.json'));
    }
    if (request.url.endsWith('/embeddings')) return json(200, plan ? plan.embeddings : JSON.stringify(embeddingsAnswer(Array.isArray(body.input) ? body.input.length : 1)));
    if (streamed) return sse(plan ? plan.chunks : openaiFrames);
    return json(200, plan ? plan.completion : openai.fixture('chat-completion.json'));
  });
}

/** SSE frames with the data of one event (that carries JSON) replaced by a hostile mutation of it. */
function mutatedFrames(frames: string[]): fc.Arbitrary<string[]> {
  const dataOf = (frame: string) => /^data: (\{.*\})$/m.exec(frame)?.[1];
  const indices = frames.map((frame, i) => (dataOf(frame) ? i : -1)).filter((i) => i >= 0);
  return fc
    .constantFrom(...indices)
    .chain((index) =>
      mutationsOf(JSON.parse(dataOf(frames[index]!)!), ['error', 'choices', 'type', 'delta']).map((data) =>
        frames.map((frame, i) => (i === index ? frame.replace(/^data: .*$/m, `data: ${data}`) : frame)),
      ),
    );
}

const upstreamPlan: fc.Arbitrary<UpstreamPlan> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('mutated' as const),
      completion: mutationsOf(openai.fixtureJson('chat-completion.json'), ['error', 'choices']),
      chunks: mutatedFrames(openaiFrames),
      message: mutationsOf(anthropic.fixtureJson('message-text.json'), ['error', 'type', 'content']),
      events: mutatedFrames(anthropicFrames),
      embeddings: mutationsOf(embeddingsAnswer(2), ['error', 'data']),
      countTokens: mutationsOf({ input_tokens: 12 }, ['error']),
      generated: mutationsOf(gemini.fixtureJson('generate-function-call.json'), ['error', 'promptFeedback']),
      generatedEvents: mutatedFrames(geminiFrames),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('raw' as const), status: fc.constantFrom(200, 400, 401, 404, 413, 422, 429, 500, 503, 529), body: fc.oneof(nastyObject, junkBody), sse: fc.boolean() }),
    weight: 1,
  },
);

beforeAll(async () => {
  dynamo = await startDynamo();
  upstream = await startRecordingServer();
  answer(upstream);
  const store = await openTestStore(dynamo.endpoint, 0);
  const config = `
model_list:
  - model_name: mock
    litellm_params: { model: mock/echo }
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream.url}/v1, api_key: sk-upstream-openai, input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
  - model_name: claude
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: ${upstream.url}, api_key: sk-ant-upstream }
  - model_name: emb
    litellm_params: { model: openai/text-embedding-3-small, api_base: ${upstream.url}/v1, api_key: sk-upstream-openai }
  - model_name: gemini
    litellm_params: { model: gemini/gemini-2.5-flash, api_base: ${upstream.url}, api_key: AIzaSyFuzz-0123456789abcdefghijklmnopq }
router_settings: { num_retries: 0, fallbacks: [{ gpt: [mock] }] }
# Every model request also goes through a guardrail both ways, so its text surfaces meet the fuzz too.
guardrails:
  - guardrail_name: fuzz-filter
    litellm_params: { guardrail: litellm_content_filter, mode: [pre_call, post_call], default_on: true, patterns: [{ pattern_type: prebuilt, pattern_name: email, action: MASK }], blocked_words: [{ keyword: fuzzblock, action: BLOCK }] }
general_settings: { master_key: ${MASTER} }
litellm_settings: { cache: true }
`;
  const ui = { files: buildUi, env: () => undefined };
  gateway = await startGateway(config, {}, { ...virtualKeyOptions(store), adminApi: ADMIN_API, ui });
  routes = gatewayRoutes({ config: testConfig(config), log: silentLog, store, adminApi: ADMIN_API, ui });
  const made = await fetch(`${gateway.url}/key/generate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${MASTER}` },
    body: JSON.stringify({ max_budget: 100, rpm_limit: 1_000_000, max_parallel_requests: 1000 }),
  });
  virtualKey = ((await made.json()) as { key: string }).key;
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
  await dynamo.close();
});

/** Valid bodies per POST path, which mutations start from; fields beyond them that mutations add. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const chatMessages = [
  { role: 'system', content: 'be brief' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'hi' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
    ],
  },
  { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":"b"}' } }] },
  { role: 'tool', tool_call_id: 'call_1', content: 'result' },
  { role: 'user', content: 'again' },
];
const chat = {
  model: 'gpt',
  messages: chatMessages,
  max_tokens: 5,
  stream: false,
  user: 'end-user-1',
  n: 1,
  temperature: 0.5,
  tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } } } } }],
  stream_options: { include_usage: true },
  metadata: { tag: 'x' },
};
const anthropicMessages = [
  {
    role: 'user',
    content: [
      { type: 'text', text: 'hi' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
    ],
  },
  { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 't', input: { a: 1 } }] },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] },
];
const messages = {
  model: 'claude',
  max_tokens: 5,
  system: 'be brief',
  messages: anthropicMessages,
  stream: false,
  metadata: { user_id: 'end-user-2' },
  tools: [{ name: 't', input_schema: { type: 'object' } }],
};
const responsesBody = {
  model: 'claude',
  instructions: 'be brief',
  input: [
    {
      role: 'user',
      content: [
        { type: 'input_text', text: 'hi' },
        { type: 'input_image', image_url: `data:image/png;base64,${PNG}` },
      ],
    },
    { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{"a":"b"}' },
    { type: 'function_call_output', call_id: 'call_1', output: 'ok' },
  ],
  tools: [{ type: 'function', name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } } } }],
  text: { format: { type: 'json_object' } },
  max_output_tokens: 5,
  metadata: { tag: 'x' },
  user: 'end-user-3',
};
const BASES: Record<string, Record<string, unknown>> = {
  // The web UI's (the playground refuses every key: it is for sessions).
  '/ui/api/sign-in': { master_key: MASTER },
  // LiteLLM's sign-in form reads form fields: a JSON body (as every body here) is refused as one without them.
  '/login': { username: 'admin', password: MASTER },
  '/ui/api/sign-out': {},
  '/ui/api/playground/chat': { key: '0'.repeat(64), model: 'mock', messages: [{ role: 'user', content: 'hi' }] },
  '/v1/chat/completions': chat,
  '/chat/completions': { ...chat, model: 'mock', stream: true },
  '/v1/embeddings': { model: 'emb', input: ['hi', 'there'], encoding_format: 'float', user: 'end-user-1' },
  '/embeddings': { model: 'gpt', input: 'hi', encoding_format: 'base64', dimensions: 3 },
  '/v1/images/generations': { model: 'gpt', prompt: 'a fox', n: 2, size: '1024x1024', quality: 'hd', response_format: 'b64_json', user: 'end-user-1' },
  '/images/generations': { model: 'gpt', prompt: 'a fox', size: 'auto', background: 'transparent', output_format: 'webp' },
  // Uploads: sent as JSON here, so every one is the 400 that says to send a form (the audio tests send forms).
  '/v1/images/edits': { model: 'gpt', image: 'photo.png', prompt: 'brighter' },
  // The same body on each alias: uploads sent as JSON all end at the same 400, swept once.
  '/images/edits': { model: 'gpt', image: 'photo.png', prompt: 'brighter' },
  '/v1/audio/transcriptions': { model: 'gpt', file: 'speech.wav' },
  '/audio/transcriptions': { model: 'gpt', file: 'speech.wav' },
  '/v1/audio/translations': { model: 'gpt', file: 'speech.wav' },
  '/audio/translations': { model: 'gpt', file: 'speech.wav' },
  '/v1/audio/speech': { model: 'gpt', input: 'Hello', voice: 'alloy', response_format: 'mp3', speed: 1.25, instructions: 'calm', user: 'end-user-1' },
  '/audio/speech': { model: 'gpt', input: 'Hello', voice: { id: 'voice-1' } },
  '/v1/rerank': { model: 'gpt', query: 'capital', documents: ['a', { text: 'b', title: 't' }], top_n: 1, return_documents: true, max_chunks_per_doc: 2 },
  '/rerank': { model: 'gpt', query: 'capital', documents: ['a', 'b'] },
  '/v2/rerank': { model: 'gpt', query: 'capital', documents: ['a', 'b'], top_n: 2, max_tokens_per_doc: 512 },
  '/openai/deployments/{model}/chat/completions': { messages: chat.messages, max_tokens: 5 },
  '/engines/{model}/chat/completions': { messages: chat.messages, stream: true },
  '/openai/deployments/{model}/embeddings': { input: ['hi'] },
  '/engines/{model}/embeddings': { input: 'hi', encoding_format: 'float' },
  '/v1/moderations': {
    model: 'gpt',
    input: [
      { type: 'text', text: 'hi' },
      { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
    ],
  },
  '/moderations': { model: 'gpt', input: ['hi', 'there'] },
  '/v1/messages': messages,
  '/messages': { ...messages, model: 'mock', stream: true },
  '/v1/messages/count_tokens': { model: 'claude', messages: messages.messages, system: 'be brief' },
  '/messages/count_tokens': { model: 'gpt', messages: messages.messages, tools: messages.tools },
  '/v1/responses': responsesBody,
  '/responses': { model: 'gpt', input: 'hi', stream: true, store: false },
  '/v1/responses/{id}': {},
  '/v1/completions': { model: 'claude', prompt: 'Say hi', max_tokens: 5, temperature: 0.5, stop: ['\n'], user: 'end-user-4' },
  '/completions': { model: 'gpt', prompt: ['a', 'b'], stream: true, echo: true, suffix: '!', best_of: 2, n: 1 },
  '/responses/{id}': {},
  '/key/generate': {
    models: ['mock'],
    max_budget: 1,
    budget_duration: '1d',
    duration: '1h',
    metadata: { a: 1 },
    key_alias: 'fuzz',
    rpm_limit: 10,
    model_max_budget: { mock: { budget_limit: 1, time_period: '1d' } },
    tags: ['t'],
  },
  '/key/update': { key: 'sk-nonexistent-fuzz-key', max_budget: 2, metadata: { b: [1, 2] }, key_alias: 'fuzz-2', duration: '2h' },
  '/key/delete': { keys: ['sk-nonexistent-fuzz-key'], key_aliases: ['fuzz'] },
  '/key/info': { key: 'sk-nonexistent-fuzz-key' },
  '/key/regenerate': { key: 'sk-nonexistent-fuzz-key', new_key: 'sk-fuzz-regenerated', max_budget: 3 },
  '/key/{key}/regenerate': { max_budget: 3, duration: '1d' },
  '/key/block': { key: 'sk-nonexistent-fuzz-key' },
  '/key/unblock': { key: 'sk-nonexistent-fuzz-key' },
  '/team/new': { team_id: 'fuzz-team', models: ['mock'], max_budget: 5, members_with_roles: [{ role: 'admin', user_id: 'fuzz-user' }], metadata: { c: true } },
  '/team/update': { team_id: 'fuzz-team', max_budget: 6, budget_duration: '30d', tpm_limit: 100 },
  '/team/delete': { team_ids: ['fuzz-team-gone'] },
  '/team/block': { team_id: 'fuzz-team' },
  '/team/unblock': { team_id: 'fuzz-team' },
  '/team/member_add': { team_id: 'fuzz-team', member: { role: 'user', user_id: 'fuzz-user-2' }, max_budget_in_team: 1 },
  '/team/member_delete': { team_id: 'fuzz-team', user_id: 'fuzz-user-2' },
  '/team/member_update': { team_id: 'fuzz-team', user_id: 'fuzz-user', role: 'user', max_budget_in_team: 2, rpm_limit: 3, tpm_limit: 4 },
  '/user/new': { user_id: 'fuzz-user', models: ['mock'], max_budget: 4, teams: [], auto_create_key: false, user_email: 'a@b.c', metadata: {} },
  '/user/update': { user_id: 'fuzz-user', max_budget: 5, user_role: 'internal_user' },
  '/user/delete': { user_ids: ['fuzz-user-gone'] },
  '/customer/new': { user_id: 'fuzz-customer', max_budget: 1, alias: 'c', blocked: false },
  '/customer/update': { user_id: 'fuzz-customer', max_budget: 2, budget_duration: '1d' },
  '/customer/delete': { user_ids: ['fuzz-customer-gone'] },
  '/customer/block': { user_ids: ['fuzz-customer-2'] },
  '/customer/unblock': { user_ids: ['fuzz-customer-2'] },
  '/organization/new': { organization_id: 'fuzz-org', organization_alias: 'Fuzz', models: ['mock'], max_budget: 5, budget_duration: '30d' },
  '/organization/update': { organization_id: 'fuzz-org', max_budget: 6, metadata: { d: 1 } },
  '/organization/delete': { organization_ids: ['fuzz-org-gone'] },
  '/organization/info': { organizations: ['fuzz-org'] },
  '/organization/member_add': { organization_id: 'fuzz-org', member: { role: 'internal_user', user_id: 'fuzz-user-3' }, max_budget_in_organization: 1 },
  '/organization/member_delete': { organization_id: 'fuzz-org', user_id: 'fuzz-user-3' },
  '/organization/member_update': { organization_id: 'fuzz-org', user_id: 'fuzz-user-3', role: 'org_admin', max_budget_in_organization: 2 },
  '/budget/new': { budget_id: 'fuzz-budget', max_budget: 5, budget_duration: '1d', rpm_limit: 5, model_max_budget: { mock: { max_budget: 1 } } },
  '/budget/update': { budget_id: 'fuzz-budget', max_budget: 6, tpm_limit: 10 },
  '/budget/info': { budgets: ['fuzz-budget'] },
  '/budget/delete': { id: 'fuzz-budget-gone' },
  '/tag/new': { name: 'fuzz-tag', description: 'd', models: ['mock'], max_budget: 5, budget_duration: '1d' },
  '/tag/update': { name: 'fuzz-tag', max_budget: 6, rpm_limit: 3 },
  '/tag/info': { names: ['fuzz-tag'] },
  '/tag/delete': { name: 'fuzz-tag-gone' },
  '/model/new': { model_name: 'fuzz-model', litellm_params: { model: 'mock/echo', rpm: 5 }, model_info: { id: 'fuzz-model', description: 'd' } },
  '/model/update': { model_name: 'fuzz-model-2', litellm_params: { rpm: 6 }, model_info: { id: 'fuzz-model' } },
  '/model/delete': { id: 'fuzz-model-gone' },
  '/anthropic/v1/messages': { ...messages, stream: true },
  '/anthropic/v1/messages/count_tokens': { model: 'claude', messages: messages.messages },
  '/openai/v1/chat/completions': { ...chat, stream: true },
  '/openai/v1/embeddings': { model: 'emb', input: 'hi' },
  '/openai/v1/responses': responsesBody,
  '/bedrock/model/{model}/invoke': { anthropic_version: 'bedrock-2023-05-31', max_tokens: 5, messages: messages.messages },
  '/bedrock/model/{model}/invoke-with-response-stream': { anthropic_version: 'bedrock-2023-05-31', max_tokens: 5, messages: messages.messages },
  '/config/update': { router_settings: { routing_strategy: 'latency-based-routing' }, general_settings: { alert_types: ['llm_exceptions'] } },
  '/cache/delete': { keys: ['0'.repeat(64), 'ns:0'] },
  '/cache/flushall': { namespace: 'fuzz' },
};
for (const action of ['new', 'update', 'delete', 'block', 'unblock']) BASES[`/end_user/${action}`] = BASES[`/customer/${action}`]!;
BASES['/mcp'] = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'fuzz', version: '1.0.0' } } };
BASES['/mcp/{server}'] = BASES['/mcp'];
BASES['/{server}/mcp'] = BASES['/mcp'];
BASES['/mcp/sse'] = BASES['/mcp'];
BASES['/mcp/sse/messages'] = BASES['/mcp'];
// Google's pass-through: the model in the path, Google's body (and errors); Claude on Vertex: Anthropic's.
const generateContentBody = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }], generationConfig: { maxOutputTokens: 5 } };
for (const method of ['generateContent', 'streamGenerateContent', 'countTokens']) {
  BASES[`/gemini/{version}/models/{model}:${method}`] = generateContentBody;
  for (const prefix of ['/vertex_ai', '/vertex-ai']) BASES[`${prefix}/{version}/projects/{project}/locations/{location}/publishers/google/models/{model}:${method}`] = generateContentBody;
}
for (const prefix of ['/vertex_ai', '/vertex-ai']) {
  const models = `${prefix}/{version}/projects/{project}/locations/{location}/publishers/anthropic/models`;
  for (const method of ['rawPredict', 'streamRawPredict']) BASES[`${models}/{model}:${method}`] = { anthropic_version: 'vertex-2023-10-16', max_tokens: 5, messages: messages.messages };
  BASES[`${models}/count-tokens:rawPredict`] = { anthropic_version: 'vertex-2023-10-16', model: 'claude', messages: messages.messages };
}
const EXTRA_FIELDS = [
  'model',
  'messages',
  'user',
  'stream',
  'max_tokens',
  'max_completion_tokens',
  'n',
  'tools',
  'tool_choice',
  'fallbacks',
  'context_window_fallbacks',
  'timeout',
  'response_format',
  'metadata',
  'input',
  'instructions',
  'previous_response_id',
  'prompt',
  'thinking',
  'key',
  'key_alias',
  'team_id',
  'user_id',
  'max_budget',
  'spend',
  'duration',
  'budget_duration',
  'models',
  'mock_response',
  '__proto__',
  '',
];
const QUERY_FIELDS = [
  'key',
  'team_id',
  'user_id',
  'end_user_id',
  'page',
  'size',
  'page_size',
  'start_date',
  'end_date',
  'api_key',
  'request_id',
  'summarize',
  'group_by',
  'return_full_object',
  'key_alias',
  'object_id',
  'table_name',
  'action',
  'role',
  'user_ids',
  'sort_by',
  'sort_order',
  'min_spend',
  'max_spend',
  'status_filter',
  'model',
  'end_user',
];

interface FuzzRequest {
  method: string;
  path: string;
  caller: 'master' | 'virtual' | 'none';
  customer?: string;
  body?: string;
  upstream?: UpstreamPlan;
}

/** Every (method, path) the gateway serves, from the same route modules it is built from. */
function routeTable(): Array<{ method: Route['method']; path: string }> {
  return routes.flatMap((route) => route.paths.map((path) => ({ method: route.method, path })));
}

/** A path with its `{param}` segments filled by hostile strings, and a hostile query. */
const segment = fc.oneof(
  nastyString.map((text) => encodeURIComponent(text.replace(/\p{Cs}/gu, '\ufffd')) || 'x'),
  fc.constantFrom('%E0%A4%A', '%', '%00', '..', '.', 'sk-..%2F..%2Fkey%2Flist'),
);
const concretePath = (path: string) =>
  fc.tuple(segment, fc.dictionary(fc.constantFrom(...QUERY_FIELDS), nastyString, { maxKeys: 4 })).map(([filler, query]) => {
    const filled = path.replace(/\{[^}]+\}/g, filler);
    const search = new URLSearchParams(query).toString();
    return search ? `${filled}?${search}` : filled;
  });

/** Header values a client can send at all: printable ASCII. */
const headerValue = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  fc.constant('c'.repeat(3000)),
);

function requests(method: Route['method'], path: string): fc.Arbitrary<FuzzRequest> {
  const base = BASES[path];
  // Model routes start from each kind of model: the mock, and upstreams that translate differently.
  const mutated = !base
    ? nastyObject
    : 'model' in base
      ? fc.constantFrom('gpt', 'claude', 'gemini', 'mock', 'emb').chain((model) => mutationsOf({ ...base, model }, EXTRA_FIELDS))
      : mutationsOf(base, EXTRA_FIELDS);
  const body = method === 'GET' ? fc.constant(undefined) : fc.oneof({ arbitrary: mutated, weight: 6 }, { arbitrary: nastyObject, weight: 2 }, { arbitrary: junkBody, weight: 1 });
  return fc.record({
    method: fc.constant(method),
    path: concretePath(path),
    caller: fc.constantFrom('master' as const, 'virtual' as const, 'none' as const),
    customer: fc.option(headerValue, { nil: undefined, freq: 4 }),
    body,
  });
}

/** Sends one request and throws (with what was sent and answered) if the answer breaks the rules. */
async function check(request: FuzzRequest): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (request.caller !== 'none') headers['authorization'] = `Bearer ${request.caller === 'master' ? MASTER : virtualKey}`;
  if (request.customer !== undefined) headers['x-litellm-customer-id'] = request.customer;
  answer(upstream, request.upstream);
  lastServed = '(nothing)';
  const response = await fetch(`${gateway.url}${request.path}`, { method: request.method, headers, body: request.body });
  const text = await response.text();
  const fail = (why: string) => {
    const upstreamPlan = request.upstream ? `\n  upstream answered: ${lastServed.slice(0, 3000)}` : '';
    throw new Error(
      `${why}\n  ${request.method} ${request.path.slice(0, 300)} as ${request.caller}\n  body: ${(request.body ?? '').slice(0, 600)}${upstreamPlan}\n  → ${response.status} ${text.slice(0, 600)}`,
    );
  };
  if (response.status === 500) fail('a 500');
  if (text.includes('Internal error in the gateway')) fail("the gateway's internal error, in the body");
  // With the upstream healthy, the only 503 is load shedding's, which says when to come back.
  if (response.status === 503 && !request.upstream && !response.headers.get('retry-after')) fail('a 503 without Retry-After');
  if (response.status < 400) return;
  let error: unknown;
  try {
    error = JSON.parse(text);
  } catch {
    fail('an error that is not JSON');
  }
  // A request too large for the HTTP parser (431) never reaches a route, so it cannot know the route's format.
  const anthropicShape =
    (request.path.startsWith('/v1/messages') || request.path.startsWith('/messages') || request.path.startsWith('/anthropic/') || reachesRoute(request.path, VERTEX_CLAUDE_ROUTE)) &&
    response.status !== 431;
  // Bedrock's pass-through answers Bedrock's errors: `{"message"}`; a path that does not reach it (undecodable, `..`) gets the gateway's.
  const bedrockShape = reachesRoute(request.path, BEDROCK_ROUTE) && response.status !== 431;
  const googleShape = reachesRoute(request.path, GOOGLE_ROUTE) && response.status !== 431;
  const ok = anthropicShape ? isAnthropicError(error) : bedrockShape ? typeof (error as { message?: unknown } | null)?.message === 'string' : googleShape ? isGoogleError(error) : isOpenAIError(error);
  if (!ok) fail(`an error not in ${anthropicShape ? "Anthropic's" : bedrockShape ? "Bedrock's" : googleShape ? "Google's" : "OpenAI's"} format`);
}

const BEDROCK_ROUTE = /^\/bedrock\/model\/([^/]+)\/invoke(?:-with-response-stream)?$/;
const GOOGLE_ROUTE =
  /^(?:\/gemini\/([^/]+)\/models|\/vertex[_-]ai\/([^/]+)\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models)\/([^/]+):(?:(?:stream)?[gG]enerateContent|countTokens)$/;
const VERTEX_CLAUDE_ROUTE = /^\/vertex[_-]ai\/([^/]+)\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/anthropic\/models\/([^/]+):(?:stream)?[rR]awPredict$/;

/** Whether `path` reaches the route `pattern` matches: each parameter it captures decodes, and none is a dot segment the gateway refuses first. */
function reachesRoute(path: string, pattern: RegExp): boolean {
  const params = pattern.exec(path.split('?')[0]!)?.slice(1);
  if (params === undefined) return false;
  try {
    return params.every((param) => param === undefined || !['.', '..'].includes(decodeURIComponent(param)));
  } catch {
    return false;
  }
}

function isGoogleError(body: unknown): boolean {
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  return !!error && typeof error['code'] === 'number' && typeof error['message'] === 'string' && typeof error['status'] === 'string';
}

function isOpenAIError(body: unknown): boolean {
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  return !!error && typeof error['message'] === 'string' && typeof error['type'] === 'string' && (error['param'] === null || typeof error['param'] === 'string') && typeof error['code'] === 'string';
}

function isAnthropicError(body: unknown): boolean {
  const value = body as { type?: unknown; error?: Record<string, unknown> } | null;
  return value?.type === 'error' && typeof value.error?.['type'] === 'string' && typeof value.error['message'] === 'string';
}

it('covers every route in the route table', () => {
  const routes = routeTable();
  expect(routes.length).toBeGreaterThan(40);
  // Every POST route starts from a valid body of its own, so mutations reach past its first check.
  expect(routes.filter((r) => r.method !== 'GET' && !BASES[r.path]).map((r) => `${r.method} ${r.path}`)).toEqual([]);
});

it('never answers 500 nor an error out of format with any catalogued value in any field of any route', async () => {
  // One path per route (its aliases share the handler), each field of its valid body (nested ones too), each value.
  const seen = new Set<string>();
  const sweep: FuzzRequest[] = [];
  for (const { method, path } of routeTable()) {
    const base = BASES[path];
    const route = `${method} ${JSON.stringify(base)}`;
    if (method === 'GET' || !base || seen.has(route)) continue;
    seen.add(route);
    for (const target of pathsOf(base)) {
      for (const value of CATALOGUE) sweep.push({ method, path: path.replace(/\{[^}]+\}/g, 'sk-fuzz-path-key'), caller: 'master', body: render(base, [[target, value]]) });
    }
  }
  expect(sweep.length).toBeGreaterThan(2000);
  // A few at a time (the machine is shared, order does not matter), all with a healthy upstream.
  for (let i = 0; i < sweep.length; i += 8) await Promise.all(sweep.slice(i, i + 8).map(check));
}, 300_000);

/** Runs a property with the suite's seed and size; a failure says how to replay it. */
async function fuzz(property: fc.IAsyncProperty<[FuzzRequest]>, runs: number): Promise<void> {
  try {
    await fc.assert(property, { seed: SEED, numRuns: runs });
  } catch (error) {
    console.error(`Fuzz failure: replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} npx vitest run test/adversarial/fuzz.test.ts`);
    throw error;
  }
}

it(`never answers 500 nor an error out of format, whatever it is sent (seed ${SEED}, ${RUNS} runs)`, async () => {
  const routes = routeTable();
  await fuzz(
    fc.asyncProperty(
      fc.constantFrom(...routes).chain((route) => requests(route.method, route.path)),
      check,
    ),
    RUNS,
  );
}, 300_000);

it(`never answers 500 nor an error out of format, whatever the upstream answers (seed ${SEED}, ${Math.ceil(RUNS / 2)} runs)`, async () => {
  // Valid requests on every model route, to each kind of model, streamed and not; broken answers.
  const modelRoutes = routeTable().filter(({ method, path }) => method === 'POST' && BASES[path] && 'model' in BASES[path]!);
  const request = fc
    .record({
      route: fc.constantFrom(...modelRoutes),
      model: fc.constantFrom('gpt', 'claude', 'gemini', 'emb'),
      stream: fc.boolean(),
      caller: fc.constantFrom('master' as const, 'virtual' as const),
      upstream: upstreamPlan,
    })
    .map(({ route, model, stream, caller, upstream: plan }): FuzzRequest => {
      const base = BASES[route.path]!;
      return { method: route.method, path: route.path, caller, body: JSON.stringify({ ...base, model, ...('stream' in base && { stream }) }), upstream: plan };
    });
  try {
    await fuzz(fc.asyncProperty(request, check), Math.ceil(RUNS / 2));
  } finally {
    answer(upstream);
  }
}, 300_000);
