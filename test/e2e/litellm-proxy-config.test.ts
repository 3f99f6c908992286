// LiteLLM's own sample proxy config (test/fixtures/litellm/proxy_server_config.yaml, verbatim) starts
// Tollgate with no refusal once its upstreams point at a local fake: bare model names, Azure, wildcard and
// alias entries all answer through the official openai client, and every key of the file Tollgate does not
// act on is one the README lists, with why.
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLiteLLMEndpoint } from '../helpers/fake-litellm-endpoint.ts';
import { startGateway, testConfig, type TestGateway } from '../helpers/gateway.ts';
import { litellmProxyConfig } from '../helpers/litellm-proxy-config.ts';
import type { RecordingServer } from '../helpers/recording-server.ts';

let upstream: RecordingServer;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeLiteLLMEndpoint();
  const { yaml, env } = litellmProxyConfig(upstream.url);
  gateway = await startGateway(yaml, env);
  // The file's own master key.
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-1234', maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

const hi = [{ role: 'user' as const, content: '[[say hello from the fake]]' }];

describe("LiteLLM's proxy_server_config.yaml", () => {
  it('serves every model name it lists, none disabled', async () => {
    const ids = (await client.models.list()).data.map((m) => m.id);
    const names = ['gpt-3.5-turbo-end-user-test', 'gpt-3.5-turbo', 'gpt-3.5-turbo-large', 'gpt-4', 'sagemaker-completion-model', 'text-embedding-ada-002', 'dall-e-2'];
    names.push('openai-dall-e-3', 'fake-openai-endpoint', 'fake-openai-endpoint-2', 'fake-openai-endpoint-3', 'bad-model', 'mistral-embed', 'gpt-instruct');
    expect(ids).toEqual(expect.arrayContaining(names));
    const { yaml, env } = litellmProxyConfig(upstream.url);
    expect(testConfig(yaml, env).disabled).toEqual([]);
  });

  it.each([
    ['an OpenAI deployment', 'fake-openai-endpoint', '/chat/completions', 'fake'],
    ['a bare model name, its provider inferred', 'gpt-3.5-turbo-large', '/chat/completions', 'gpt-3.5-turbo-1106'],
    ['an Azure deployment', 'gpt-4', '/openai/deployments/chatgpt-v-2/chat/completions?api-version=2023-05-15', undefined],
    ['model_group_alias', 'my-special-fake-model-alias-name', '/chat/completions', undefined],
    ['the "*" wildcard', 'gpt-4o-mini', '/chat/completions', 'gpt-4o-mini'],
  ])('answers a chat request for %s', async (_what, model, path, upstreamModel) => {
    upstream.requests.length = 0;
    const answer = await client.chat.completions.create({ model, messages: hi });
    expect(answer.choices[0]!.message.content).toBe('hello from the fake');
    expect(answer.model).toBe(model);
    const sent = upstream.requests[0]!;
    expect(sent.url.endsWith(path)).toBe(true);
    if (upstreamModel) expect(sent.json.model).toBe(upstreamModel);
  });

  it('answers embeddings from its Azure embedding deployment', async () => {
    const answer = await client.embeddings.create({ model: 'text-embedding-ada-002', input: 'hi' });
    expect(answer.data[0]!.embedding).toHaveLength(3);
    expect(upstream.requests.at(-1)!.url).toContain('/openai/deployments/azure-embedding-model/embeddings');
  });

  it('moderates through its "*" wildcard, with the default model when the request names none', async () => {
    const answer = await client.moderations.create({ input: 'hi' } as OpenAI.ModerationCreateParams);
    expect(answer.results[0]!.flagged).toBe(false);
    expect(upstream.requests.at(-1)!.json.model).toBe('omni-moderation-latest');
  });

  it('names each key it does not act on, and the README lists each with why', () => {
    const { yaml, env } = litellmProxyConfig(upstream.url);
    const ignored = testConfig(yaml, env).ignoredKeys;
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf('<!-- proxy_server_config.yaml: not acted on -->');
    const section = readme.slice(start, readme.indexOf('<!-- end -->', start));
    // Each bullet names its keys before the colon: "- `a`, `b`: why".
    const listed = [...section.matchAll(/^- ((?:`[^`]+`(?:, )?)+):/gm)].flatMap((m) => [...m[1]!.matchAll(/`([^`]+)`/g)].map((k) => k[1]));
    expect(ignored.length).toBeGreaterThan(0);
    expect(listed.sort()).toEqual([...ignored].sort());
  });
});
