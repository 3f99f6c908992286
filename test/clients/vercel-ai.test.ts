// The Vercel AI SDK (the releases pinned in test/clients/package.json) against the gateway: its OpenAI
// provider through Chat Completions (`openai.chat(...)`) and through the Responses API (its default,
// `openai(...)`), and its Anthropic provider through
// /v1/messages, on models of every backend: text, streamed text, a tool round trip (generated and
// streamed), and structured objects (generateObject, streamObject).
import { randomUUID } from 'node:crypto';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { generateObject, generateText, stepCountIs, streamObject, streamText, tool, type LanguageModel } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ANTHROPIC_ALIAS, MASTER_KEY, MODELS, startStack, type Backend, type ClientStack } from './support/stack.ts';

// generateObject and streamObject are deprecated in favour of generateText's `output`, and say so on
// the console each call; they are tested because applications still use them.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

let stack: ClientStack;
beforeAll(async () => void (stack = await startStack()));
afterAll(() => stack.close());
beforeEach(() => stack.reset());

interface Case {
  title: string;
  backend: Backend;
  model: () => LanguageModel;
}
const openai = () => createOpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: MASTER_KEY });
const anthropic = () => createAnthropic({ baseURL: `${stack.gateway.url}/v1`, apiKey: MASTER_KEY });
const CASES: Case[] = [
  ...(['anthropic', 'openai', 'bedrock'] as const).map((backend) => ({
    title: `@ai-sdk/openai chat on ${MODELS[backend].main}`,
    backend,
    model: () => openai().chat(MODELS[backend].main),
  })),
  // The provider's default model, `openai(name)`, speaks OpenAI's Responses API.
  ...(['anthropic', 'openai', 'bedrock'] as const).map((backend) => ({
    title: `@ai-sdk/openai (Responses API, its default) on ${MODELS[backend].main}`,
    backend,
    model: () => openai()(MODELS[backend].main),
  })),
  ...(['anthropic', 'openai', 'bedrock'] as const).map((backend) => ({
    title: `@ai-sdk/anthropic on ${MODELS[backend].main}`,
    backend,
    model: () => anthropic()(MODELS[backend].main),
  })),
  // A Claude-like name the SDK does not know: it asks for its largest output (128k) and native structured output.
  { title: `@ai-sdk/anthropic on ${ANTHROPIC_ALIAS}`, backend: 'anthropic', model: () => anthropic()(ANTHROPIC_ALIAS) },
];

const weather = tool({
  description: 'The current weather in a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => `sunny and 21 degrees in ${city}`,
});
const person = z.object({ name: z.string(), age: z.number(), languages: z.array(z.string()) });
const somePerson = () => ({ name: `Ada ${randomUUID()}`, age: 36, languages: ['English', 'French'] });

describe.each(CASES)('$title', ({ backend, model }) => {
  it('generates text', async () => {
    const word = `word-${randomUUID()}`;
    const result = await generateText({ model: model(), prompt: `Repeat the word. [[say ${word}]]` });
    expect(result.text).toBe(word);
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(stack.upstreamBodies(backend)).toHaveLength(1);
  });

  it('streams text', async () => {
    const word = `streamed-${randomUUID()}`;
    const errors: unknown[] = [];
    const result = streamText({ model: model(), prompt: `Repeat the word. [[say ${word}]]`, onError: ({ error }) => void errors.push(error) });
    const parts: string[] = [];
    for await (const part of result.textStream) parts.push(part);
    expect(errors).toEqual([]);
    expect(parts.join('')).toBe(word);
    expect(parts.length).toBeGreaterThan(1);
    expect(await result.finishReason).toBe('stop');
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });

  it('calls a tool and answers with its result', async () => {
    const city = `Paris-${randomUUID()}`;
    const result = await generateText({
      model: model(),
      tools: { get_weather: weather },
      stopWhen: stepCountIs(3),
      prompt: `What is the weather? [[call get_weather ${JSON.stringify({ city })}]]`,
    });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]!.toolCalls.map((call) => [call.toolName, call.input])).toEqual([['get_weather', { city }]]);
    expect(result.text).toMatch(/^tool said: /);
    expect(result.text).toContain(`sunny and 21 degrees in ${city}`);
  });

  it('streams a tool call and the answer with its result', async () => {
    const city = `Lima-${randomUUID()}`;
    const errors: unknown[] = [];
    const result = streamText({
      model: model(),
      tools: { get_weather: weather },
      stopWhen: stepCountIs(3),
      prompt: `What is the weather? [[call get_weather ${JSON.stringify({ city })}]]`,
      onError: ({ error }) => void errors.push(error),
    });
    const text = await Promise.resolve(result.text).catch((error: unknown) => {
      throw errors[0] ?? error;
    });
    const steps = await result.steps;
    expect(steps).toHaveLength(2);
    expect(steps[0]!.toolCalls.map((call) => [call.toolName, call.input])).toEqual([['get_weather', { city }]]);
    expect(text).toMatch(/^tool said: /);
    expect(text).toContain(`sunny and 21 degrees in ${city}`);
  });

  it('generates an object', async () => {
    const expected = somePerson();
    const { object } = await generateObject({ model: model(), schema: person, prompt: `Describe a person. [[json ${JSON.stringify(expected)}]]` });
    expect(object).toEqual(expected);
  });

  it('streams an object', async () => {
    const expected = somePerson();
    const result = streamObject({ model: model(), schema: person, prompt: `Describe a person. [[json ${JSON.stringify(expected)}]]` });
    const partials: unknown[] = [];
    for await (const partial of result.partialObjectStream) partials.push(partial);
    expect(await result.object).toEqual(expected);
    expect(partials.at(-1)).toEqual(expected);
  });
});
