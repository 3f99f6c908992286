// LangChain JS's ChatOpenAI (the releases pinned in test/clients/package.json) against the gateway's
// Chat Completions, on models of every backend: invoke, stream, bindTools with a tool round trip
// (generated and streamed), and withStructuredOutput (JSON schema, and function calling).
import { randomUUID } from 'node:crypto';
import { HumanMessage, type AIMessageChunk } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BACKENDS, MASTER_KEY, MODELS, startStack, type ClientStack } from './support/stack.ts';

let stack: ClientStack;
beforeAll(async () => void (stack = await startStack()));
afterAll(() => stack.close());
beforeEach(() => stack.reset());

const weather = tool(async ({ city }) => `sunny and 21 degrees in ${city}`, {
  name: 'get_weather',
  description: 'The current weather in a city',
  schema: z.object({ city: z.string() }),
});
const person = z.object({ name: z.string(), age: z.number(), languages: z.array(z.string()) });
const somePerson = () => ({ name: `Grace ${randomUUID()}`, age: 85, languages: ['COBOL', 'English'] });

async function concatenated(stream: AsyncIterable<AIMessageChunk>): Promise<{ message: AIMessageChunk; chunks: number }> {
  let message: AIMessageChunk | undefined;
  let chunks = 0;
  for await (const chunk of stream) {
    message = message ? message.concat(chunk) : chunk;
    chunks += 1;
  }
  if (!message) throw new Error('the stream was empty');
  return { message, chunks };
}

describe.each(BACKENDS)('ChatOpenAI on the %s-backed model', (backend) => {
  const chat = () => new ChatOpenAI({ model: MODELS[backend].main, apiKey: MASTER_KEY, maxRetries: 0, configuration: { baseURL: `${stack.gateway.url}/v1` } });

  it('invokes', async () => {
    const word = `word-${randomUUID()}`;
    const message = await chat().invoke(`Repeat the word. [[say ${word}]]`);
    expect(message.content).toBe(word);
    expect(message.usage_metadata?.input_tokens).toBeGreaterThan(0);
    expect(message.response_metadata['finish_reason']).toBe('stop');
  });

  it('streams', async () => {
    const word = `streamed-${randomUUID()}`;
    const { message, chunks } = await concatenated(await chat().stream(`Repeat the word. [[say ${word}]]`));
    expect(message.content).toBe(word);
    expect(chunks).toBeGreaterThan(2);
    // The usage chunk, which ChatOpenAI asks for with stream_options.include_usage.
    expect(message.usage_metadata?.output_tokens).toBeGreaterThan(0);
  });

  it('binds a tool, runs it and sends the result back', async () => {
    const city = `Oslo-${randomUUID()}`;
    const model = chat().bindTools([weather]);
    const question = new HumanMessage(`What is the weather? [[call get_weather ${JSON.stringify({ city })}]]`);
    const call = await model.invoke([question]);
    expect(call.tool_calls?.map((c) => [c.name, c.args])).toEqual([['get_weather', { city }]]);
    const result = await weather.invoke(call.tool_calls![0]!);
    const answer = await model.invoke([question, call, result]);
    expect(answer.content).toMatch(/^tool said: /);
    expect(answer.content).toContain(`sunny and 21 degrees in ${city}`);
  });

  it('streams a tool call', async () => {
    const city = `Quito-${randomUUID()}`;
    const { message } = await concatenated(
      await chat()
        .bindTools([weather])
        .stream(`What is the weather? [[call get_weather ${JSON.stringify({ city })}]]`),
    );
    expect(message.tool_calls?.map((c) => [c.name, c.args])).toEqual([['get_weather', { city }]]);
  });

  it('returns structured output through a JSON schema', async () => {
    const expected = somePerson();
    const object = await chat()
      .withStructuredOutput(person)
      .invoke(`Describe a person. [[json ${JSON.stringify(expected)}]]`);
    expect(object).toEqual(expected);
    expect(stack.upstreamBodies(backend)).toHaveLength(1);
  });

  it('returns structured output through function calling', async () => {
    const expected = somePerson();
    const object = await chat()
      .withStructuredOutput(person, { method: 'functionCalling' })
      .invoke(`Describe a person. [[json ${JSON.stringify(expected)}]]`);
    expect(object).toEqual(expected);
  });
});
