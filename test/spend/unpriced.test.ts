// A model with no price costs 0, is logged as unpriced once, and says so in /model/info.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { answerWith, ask, MASTER } from './support.ts';

let upstream: RecordingServer;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startRecordingServer();
  answerWith(upstream, { prompt_tokens: 100, completion_tokens: 100 });
  gateway = await startGateway(`
model_list:
  - model_name: in-house
    litellm_params: { model: openai/in-house-llm-v0, api_base: ${upstream.url}, api_key: sk-upstream }
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: ${upstream.url}, api_key: sk-upstream }
general_settings: { master_key: ${MASTER} }
`);
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

describe('an unpriced model', () => {
  it('costs 0, is logged once, and shows as unpriced in /model/info', async () => {
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...ask(100), model: 'in-house' }),
      });
      expect(response.headers.get('x-litellm-response-cost')).toBe('0');
    }
    expect(gateway.log.lines.filter((line) => line.message.startsWith('unpriced model'))).toHaveLength(1);
    const info = (await (await fetch(`${gateway.url}/model/info`, { headers: { authorization: `Bearer ${MASTER}` } })).json()) as {
      data: Array<{ model_name: string; model_info: Record<string, unknown> }>;
    };
    const byName = Object.fromEntries(info.data.map((entry) => [entry.model_name, entry.model_info]));
    expect(byName['in-house']).toMatchObject({ unpriced: true, input_cost_per_token: null, output_cost_per_token: null });
    expect(byName['gpt-4o']).toMatchObject({ unpriced: false });
    expect(byName['gpt-4o']!['input_cost_per_token']).toBeGreaterThan(0);
  });
});
