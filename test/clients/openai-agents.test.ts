// OpenAI's Agents SDK (the release pinned in test/clients/package.json) against the gateway, set up as
// its docs tell a user to for another OpenAI-compatible endpoint: its default OpenAI client pointed at
// the gateway, tracing export off. An agent with one function tool, on Anthropic-, OpenAI- and
// Bedrock-backed models, through the Responses API (the SDK's default), run whole and streamed.
import { randomUUID } from 'node:crypto';
import { Agent, run, setDefaultOpenAIClient, setTracingDisabled, tool } from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BACKENDS, MASTER_KEY, MODELS, startStack, type ClientStack } from './support/stack.ts';

let stack: ClientStack;
beforeAll(async () => {
  stack = await startStack();
  setDefaultOpenAIClient(new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: MASTER_KEY, maxRetries: 0 }));
  setTracingDisabled(true);
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

const weather = tool({
  name: 'get_weather',
  description: 'The current weather in a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `sunny and 21 degrees in ${city}`,
});

describe.each(BACKENDS)('the Agents SDK on the %s model', (backend) => {
  const agent = () => new Agent({ name: 'Weather', instructions: 'Answer about the weather.', model: MODELS[backend].main, tools: [weather] });

  it('runs an agent that calls its tool and answers with the result', async () => {
    const city = `Paris-${randomUUID()}`;
    const result = await run(agent(), `What is the weather? [[call get_weather ${JSON.stringify({ city })}]]`);
    expect(result.finalOutput).toBe(`tool said: sunny and 21 degrees in ${city}`);
    expect(result.newItems.map((item) => item.type)).toEqual(['message_output_item', 'tool_call_item', 'tool_call_output_item', 'message_output_item']);
    const answered = await stack.answered();
    expect(answered.filter((line) => line.path === '/v1/responses').map((line) => line.status)).toEqual([200, 200]);
    expect(stack.upstreamBodies(backend)).toHaveLength(2);
  });

  it('streams an agent run with a tool call', async () => {
    const city = `Lima-${randomUUID()}`;
    const result = await run(agent(), `What is the weather? [[call get_weather ${JSON.stringify({ city })}]]`, { stream: true });
    let text = '';
    for await (const event of result) {
      if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') text += event.data.delta;
    }
    await result.completed;
    expect(result.finalOutput).toBe(`tool said: sunny and 21 degrees in ${city}`);
    expect(text).toContain(`tool said: sunny and 21 degrees in ${city}`);
  });
});
