// The test hooks and controls LiteLLM's users and its own e2e tests (tests/test_fallbacks.py) rely on,
// driven by the official openai client: `mock_testing_rate_limit_error`, `mock_testing_fallbacks` and
// `mock_timeout` acted on and never sent upstream, the `x-litellm-timeout` header both ways, the
// retry and fallback counts on every model response, and litellm_settings' num_retries and
// context_window_fallbacks.
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { startGateway, testConfig, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, sleep, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

const MASTER = 'sk-controls-master';
const UPSTREAM_KEY = 'sk-upstream-controls-0123456789';
const hi = [{ role: 'user' as const, content: 'Hi' }];

let upstream: RecordingServer;
let slow: RecordingServer;
let gateway: TestGateway;
let client: OpenAI;
let yaml: string;

beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: UPSTREAM_KEY, models: { 'gpt-4o-mini': { maxOutputTokens: 16384, reasoning: false }, 'gpt-4o': { maxOutputTokens: 16384, reasoning: false } } });
  // Answers, but only after longer than any timeout a test here asks for.
  slow = await startRecordingServer(async (_request, res) => {
    await sleep(3000);
    if (!res.destroyed) sendJson(res, 500, { error: { message: 'too late', type: 'server_error', param: null, code: null } });
  });
  yaml = `
model_list:
  - model_name: primary
    litellm_params: { model: openai/gpt-4o-mini, api_base: "${upstream.url}/v1", api_key: ${UPSTREAM_KEY}, timeout: 1 }
  - model_name: backup
    litellm_params: { model: openai/gpt-4o, api_base: "${upstream.url}/v1", api_key: ${UPSTREAM_KEY} }
  - model_name: small-context
    litellm_params: { model: openai/gpt-4o-mini, api_base: "${upstream.url}/v1", api_key: ${UPSTREAM_KEY} }
    model_info: { max_input_tokens: 20 }
  - model_name: slow
    litellm_params: { model: openai/gpt-4o-mini, api_base: "${slow.url}/v1", api_key: ${UPSTREAM_KEY} }
  - model_name: own-retries
    litellm_params: { model: openai/gpt-4o-mini, api_base: "${upstream.url}/v1", api_key: ${UPSTREAM_KEY}, num_retries: 7 }
general_settings: { master_key: ${MASTER} }
litellm_settings:
  num_retries: 3
  context_window_fallbacks: [{ small-context: [backup] }]
`;
  gateway = await startGateway(yaml);
  client = new OpenAI({ apiKey: MASTER, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
  await slow.close();
});
beforeEach(() => {
  upstream.requests.length = 0;
});

/** A chat call with LiteLLM's extra body fields; the answer and its headers. */
async function chat(extra: Record<string, unknown>, headers: Record<string, string> = {}) {
  const params = { messages: hi, ...extra } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;
  const { data, response } = await client.chat.completions.create(params, { headers }).withResponse();
  return { data, headers: response.headers };
}

/** The error a chat call fails with. */
async function failure(extra: Record<string, unknown>, headers: Record<string, string> = {}): Promise<APIError> {
  const error = await chat(extra, headers).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(APIError);
  return error as APIError;
}

describe('test hooks', () => {
  it('mock_testing_rate_limit_error fails the first attempt with a 429, and the retry answers', async () => {
    const { data, headers } = await chat({ model: 'primary', mock_testing_rate_limit_error: true });
    expect(data.choices[0]!.message.content).toBeTruthy();
    expect(headers.get('x-litellm-attempted-retries')).toBe('1');
    // litellm_settings.num_retries is the router's.
    expect(headers.get('x-litellm-max-retries')).toBe('3');
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]!.json).not.toHaveProperty('mock_testing_rate_limit_error');
  });

  it("a deployment's own num_retries is what its failures allow, unless the request sets num_retries", async () => {
    const own = await chat({ model: 'own-retries', mock_testing_rate_limit_error: true });
    expect(own.headers.get('x-litellm-attempted-retries')).toBe('1');
    expect(own.headers.get('x-litellm-max-retries')).toBe('7');
    const asked = await chat({ model: 'own-retries', mock_testing_rate_limit_error: true, num_retries: 2 });
    expect(asked.headers.get('x-litellm-max-retries')).toBe('2');
  });

  it('mock_testing_fallbacks fails the requested model at once, and the fallback answers', async () => {
    const { data, headers } = await chat({ model: 'primary', mock_testing_fallbacks: true, fallbacks: ['backup'] });
    expect(data.model).toBe('primary');
    expect(headers.get('x-litellm-attempted-fallbacks')).toBe('1');
    expect(headers.get('x-litellm-attempted-retries')).toBe('0');
    expect(upstream.requests.map((request) => request.json.model)).toEqual(['gpt-4o']);
    expect(upstream.requests[0]!.json).not.toHaveProperty('mock_testing_fallbacks');
  });

  it('mock_timeout times the call out (408) and says which timeout it had: the deployment’s, or the x-litellm-timeout header’s', async () => {
    const byDeployment = await failure({ model: 'primary', num_retries: 0, mock_timeout: true });
    expect(byDeployment.status).toBe(408);
    expect(byDeployment.headers?.get('x-litellm-timeout')).toBe('1.0');
    const byHeader = await failure({ model: 'primary', num_retries: 0, mock_timeout: true }, { 'x-litellm-timeout': '0.001' });
    expect(byHeader.headers?.get('x-litellm-timeout')).toBe('0.001');
    expect(upstream.requests).toHaveLength(0);
  });

  it('refuses a hook that is not a boolean, naming it', async () => {
    const refused = await failure({ model: 'primary', mock_timeout: 'yes' });
    expect(refused.status).toBe(400);
    expect(refused.message).toContain('mock_timeout');
  });
});

describe('controls', () => {
  it('the x-litellm-timeout header bounds the upstream call', async () => {
    const timedOut = await failure({ model: 'slow', num_retries: 0 }, { 'x-litellm-timeout': '0.2' });
    expect(timedOut.status).toBe(408);
    expect(timedOut.headers?.get('x-litellm-timeout')).toBe('0.2');
  });

  it('every model response says how many retries and fallbacks it took, and the timeout it had', async () => {
    const { headers } = await chat({ model: 'backup' });
    expect(headers.get('x-litellm-attempted-retries')).toBe('0');
    expect(headers.get('x-litellm-attempted-fallbacks')).toBe('0');
    expect(headers.get('x-litellm-timeout')).toBe('600.0');
  });

  it('litellm_settings.context_window_fallbacks takes a prompt too long for the model to its fallback', async () => {
    const long = [{ role: 'user' as const, content: 'Tell me about Alexander of Macedon, '.repeat(20) }];
    const { data, headers } = await chat({ model: 'small-context', messages: long });
    expect(data.choices[0]!.message.content).toBeTruthy();
    expect(headers.get('x-litellm-attempted-fallbacks')).toBe('1');
    expect(upstream.requests.map((request) => request.json.model)).toEqual(['gpt-4o']);
  });

  it('litellm_settings.num_retries and context_window_fallbacks draw no warning at start', () => {
    expect(testConfig(yaml).warnings).toEqual([]);
  });
});
