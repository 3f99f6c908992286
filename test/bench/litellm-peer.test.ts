// LiteLLM as a bench peer (bench/peer/litellm.ts): found only where it runs, and otherwise the reason,
// detected. Tollgate stands in for the running LiteLLM proxy (it takes a LiteLLM config.yaml unchanged
// and answers LiteLLM's health and model routes): the config the bench writes for LiteLLM must load and
// route the bench's models to the fake upstream's paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER_KEY } from '../../bench/bench-config.ts';
import { findLiteLLM, litellmConfig } from '../../bench/peer/litellm.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { freePort } from '../../bench/processes.ts';

const CONFIG = '/tmp/bench/litellm.config.yaml';

let upstream: RecordingServer;
let proxy: TestGateway;

beforeAll(async () => {
  upstream = await startRecordingServer((_request, res) =>
    sendJson(res, 200, {
      id: 'c',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    }),
  );
  proxy = await startGateway(litellmConfig(upstream.url));
});
afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
});

describe('LiteLLM as a bench peer', () => {
  it('is the proxy LITELLM_PROXY_URL names, serving the bench models on the fake upstream with the bench key', async () => {
    const found = await findLiteLLM({ LITELLM_PROXY_URL: `${proxy.url}/` }, CONFIG);
    expect(found).toEqual({ peer: { url: proxy.url, version: expect.any(String) } });
    for (const path of ['fast', 'paced']) {
      const answer = await fetch(`${proxy.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER_KEY}` },
        body: JSON.stringify({ model: `bench-${path}`, messages: [{ role: 'user', content: 'Say hello.' }] }),
      });
      expect(answer.status).toBe(200);
      expect(upstream.requests.at(-1)?.url).toBe(`/${path}/v1/chat/completions`);
    }
  });

  it('is missing, saying why, when the proxy does not serve the bench models or does not answer', async () => {
    const other = await startGateway(
      `model_list:\n  - model_name: other\n    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream.url}/v1, api_key: k }\ngeneral_settings: { master_key: ${MASTER_KEY} }\n`,
    );
    try {
      const found = await findLiteLLM({ LITELLM_PROXY_URL: other.url }, CONFIG);
      expect(found).toEqual({ missing: expect.stringContaining(`does not serve bench-fast and bench-paced`) });
      expect(found).toEqual({ missing: expect.stringContaining(CONFIG) });
    } finally {
      await other.close();
    }
    const closed = `http://127.0.0.1:${await freePort()}`;
    expect(await findLiteLLM({ LITELLM_PROXY_URL: closed }, CONFIG)).toEqual({ missing: expect.stringContaining(`LITELLM_PROXY_URL=${closed} did not answer`) });
  });

  it("without LITELLM_PROXY_URL, says what this machine's Python has of LiteLLM and how to bench a running proxy", async () => {
    const found = await findLiteLLM({}, CONFIG);
    expect(found).toEqual({ missing: expect.stringMatching(/^LiteLLM (not installed: python3 |\S+ is installed but no proxy of it is running)/) });
    expect(found).toEqual({ missing: expect.stringContaining(`start it with ${CONFIG} and set LITELLM_PROXY_URL`) });
  });
});
