// Azure OpenAI's paths, which Azure SDK clients call (LiteLLM serves them): the official openai
// package's AzureOpenAI client, pointed at the gateway as if it were an Azure resource, names the
// model as the deployment in the path (`/openai/deployments/{model}/chat/completions?api-version=...`)
// and sends the key as `api-key`. The calls go through the pipeline like any other.
import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeEmbeddings } from '../helpers/fake-embeddings.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import type { RecordingServer } from '../helpers/recording-server.ts';

const MASTER = 'sk-azure-paths-master';
const UPSTREAM_KEY = 'sk-upstream-azure-paths-0123456789';

let chatUpstream: RecordingServer;
let embedUpstream: RecordingServer;
let gateway: TestGateway;

beforeAll(async () => {
  chatUpstream = await startFakeOpenAI({ apiKey: UPSTREAM_KEY, models: { 'gpt-4o-mini': { maxOutputTokens: 16384, reasoning: false } } });
  embedUpstream = await startFakeEmbeddings();
  gateway = await startGateway(`
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o-mini, api_base: "${chatUpstream.url}/v1", api_key: ${UPSTREAM_KEY} }
  - model_name: embedder
    litellm_params: { model: openai/text-embedding-3-small, api_base: "${embedUpstream.url}", api_key: ${UPSTREAM_KEY} }
general_settings: { master_key: ${MASTER} }
`);
});
afterAll(async () => {
  await gateway.close();
  await chatUpstream.close();
  await embedUpstream.close();
});
beforeEach(() => {
  chatUpstream.requests.length = 0;
});

const azure = (deployment: string, apiKey = MASTER) => new AzureOpenAI({ endpoint: gateway.url, apiKey, apiVersion: '2024-10-21', deployment, maxRetries: 0 });

describe('/openai/deployments/{model}/...', () => {
  it('answers chat for the model the path names, streamed or not', async () => {
    const answer = await azure('gpt').chat.completions.create({ model: '', messages: [{ role: 'user', content: 'Hi' }] });
    expect(answer.model).toBe('gpt');
    expect(answer.choices[0]!.message.content).toBeTruthy();
    expect(chatUpstream.requests[0]!.json.model).toBe('gpt-4o-mini');
    const stream = await azure('gpt').chat.completions.create({ model: '', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBeTruthy();
  });

  it('answers embeddings for the model the path names', async () => {
    const { data } = await azure('embedder').embeddings.create({ model: '', input: 'hello', encoding_format: 'float' });
    expect(data[0]!.embedding).toEqual([0.5, 0.25]);
  });

  it('refuses a model the gateway does not serve, and a wrong key, as any model call', async () => {
    await expect(azure('nope').chat.completions.create({ model: '', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ status: 400 });
    await expect(azure('gpt', 'sk-wrong').chat.completions.create({ model: '', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ status: 401 });
    expect(chatUpstream.requests).toHaveLength(0);
  });

  it('also serves the older /engines/{model}/chat/completions', async () => {
    const client = new OpenAI({ apiKey: MASTER, baseURL: `${gateway.url}/engines/gpt`, maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: 'ignored', messages: [{ role: 'user', content: 'Hi' }] });
    expect(answer.model).toBe('gpt');
  });
});
