// POST /v1/completions (legacy text completions) driven by the official `openai` client: OpenAI and
// text-completion-openai deployments called on the fake's own /v1/completions, Anthropic and Bedrock
// ones bridged through chat; streamed and not, priced, with what only a text-completion API can do
// refused on the bridged ones.
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../shared/core/types.ts';
import { callRecordOf } from '../../shared/pricing/call-record.ts';
import { startFakeAnthropic } from '../helpers/fake-anthropic.ts';
import { startFakeBedrock, type FakeBedrock } from '../helpers/fake-bedrock.ts';
import { scriptedConverse } from '../helpers/fake-bedrock-converse.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { type RecordingServer, sleep } from '../helpers/recording-server.ts';

const OPENAI_KEY = 'sk-proj-completions-upstream';
const ANTHROPIC_KEY = 'sk-ant-api03-completions-upstream';
const MASTER = 'sk-completions-master';

let openai: RecordingServer;
let anthropic: RecordingServer;
let bedrock: FakeBedrock;
let gateway: TestGateway;
let client: OpenAI;
const finished: RequestContext[] = [];

beforeAll(async () => {
  openai = await startFakeOpenAI({
    apiKey: OPENAI_KEY,
    models: { 'gpt-4.1-mini': { maxOutputTokens: 32_768, reasoning: false }, 'gpt-3.5-turbo-instruct': { maxOutputTokens: 4096, reasoning: false } },
  });
  anthropic = await startFakeAnthropic({ apiKey: ANTHROPIC_KEY, models: { 'claude-sonnet-4-5-20250929': 64_000 } });
  bedrock = await startFakeBedrock(scriptedConverse({ 'us.anthropic.claude-sonnet-4-5-20250929-v1:0': 64_000 }));
  gateway = await startGateway(
    `
model_list:
  - model_name: openai
    litellm_params: { model: openai/gpt-4.1-mini, api_base: ${openai.url}, api_key: ${OPENAI_KEY} }
  - model_name: instruct
    litellm_params: { model: text-completion-openai/gpt-3.5-turbo-instruct, api_base: ${openai.url}, api_key: ${OPENAI_KEY}, input_cost_per_token: 0.0000015, output_cost_per_token: 0.000002 }
  - model_name: anthropic
    litellm_params: { model: anthropic/claude-sonnet-4-5-20250929, api_base: ${anthropic.url}, api_key: ${ANTHROPIC_KEY} }
  - model_name: bedrock
    litellm_params: { model: bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0, api_base: ${bedrock.url}, aws_access_key_id: AKIAIOSFODNN7EXAMPLE, aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, aws_region_name: us-east-1 }
general_settings: { master_key: ${MASTER} }
router_settings: { num_retries: 0 }
`,
    {},
    { afterResponse: [(ctx) => void finished.push(ctx)] },
  );
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([openai.close(), anthropic.close(), bedrock.close()]);
});
beforeEach(() => {
  finished.length = 0;
  openai.requests.length = 0;
  anthropic.requests.length = 0;
  bedrock.requests.length = 0;
});

async function lastFinished(): Promise<RequestContext> {
  for (let i = 0; i < 100 && !finished.length; i++) await sleep(5);
  return finished.at(-1)!;
}

describe.each(['openai', 'instruct', 'anthropic', 'bedrock'] as const)('the %s model through /v1/completions', (model) => {
  const native = model === 'openai' || model === 'instruct';

  it('answers a prompt with a text choice, priced', async () => {
    const word = `word-${randomUUID()}`;
    const { data, response } = await client.completions.create({ model, prompt: `[[say ${word}]]`, max_tokens: 50 }).withResponse();
    expect(data.object).toBe('text_completion');
    expect(data.model).toBe(model);
    expect(data.choices[0]!.text).toBe(word);
    expect(data.choices[0]!.finish_reason).toBe('stop');
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-litellm-response-cost')).not.toBeNull();
    if (native) expect(openai.requests[0]!.url).toBe('/v1/completions');
    const record = callRecordOf(await lastFinished())!;
    expect(record.usage?.prompt_tokens).toBe(data.usage!.prompt_tokens);
  });

  it('streams text chunks, the usage chunk only when asked', async () => {
    const word = `streamed-${randomUUID()}`;
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of await client.completions.create({ model, prompt: `[[say ${word}]]`, stream: true, stream_options: { include_usage: true } })) {
      expect(chunk.model).toBe(model);
      text += chunk.choices[0]?.text ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(word);
    expect(usage!.completion_tokens).toBeGreaterThan(0);
    const chunks: OpenAI.Completion[] = [];
    for await (const chunk of await client.completions.create({ model, prompt: `[[say ${word}]]`, stream: true })) chunks.push(chunk);
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    expect(callRecordOf(await lastFinished())!.usage?.completion_tokens).toBeGreaterThan(0);
  });
});

describe('what only a text-completion API does', () => {
  it('reaches OpenAI as sent', async () => {
    const completion = await client.completions.create({ model: 'instruct', prompt: '[[say middle]]', suffix: ' end', echo: true });
    expect(completion.choices[0]!.text).toBe('[[say middle]]middle end');
  });

  it.each(['anthropic', 'bedrock'] as const)('is refused on %s, naming the field, or dropped with drop_params', async (model) => {
    for (const extra of [{ suffix: ' end' }, { echo: true }, { logprobs: 2 }, { best_of: 3 }]) {
      const param = Object.keys(extra)[0];
      await expect(client.completions.create({ model, prompt: 'hi', ...extra })).rejects.toMatchObject({ status: 400, param });
    }
    await expect(client.completions.create({ model, prompt: ['one', 'two'] })).rejects.toMatchObject({ status: 400, param: 'prompt' });
    expect(model === 'anthropic' ? anthropic.requests : bedrock.requests).toHaveLength(0);
    const dropped = await client.completions.create({ model, prompt: '[[say plain]]', suffix: ' end', drop_params: true } as OpenAI.CompletionCreateParamsNonStreaming);
    expect(dropped.choices[0]!.text).toBe('plain');
  });
});
