// What the gateway reads of an OpenAI-format answer (a chat.completion, or one chat.completion.chunk)
// that an upstream sends and the gateway passes on as it is. Loose: every other field passes. The
// numbers in `usage` are the pricing's to judge; here `usage` need only be an object.
import * as z from 'zod';
import type { ChatCompletion, ChatCompletionChunk } from '../../openai/types.ts';
import { checkedAnswer } from '../upstream-errors.ts';

const text = z.string().nullish();
const thinkingBlocks = z.array(z.union([
  z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().nullish() }),
  z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() }),
])).nullish();
const usage = z.looseObject({}).nullish();

const message = z.looseObject({
  content: text,
  reasoning_content: text,
  thinking_blocks: thinkingBlocks,
  tool_calls: z.array(z.looseObject({ id: z.string(), function: z.looseObject({ name: z.string(), arguments: z.string() }) })).nullish(),
});
const completion = z.looseObject({
  choices: z.array(z.looseObject({ message, finish_reason: text })),
  usage,
});

const delta = z.looseObject({
  content: text,
  reasoning_content: text,
  thinking_blocks: thinkingBlocks,
  tool_calls: z.array(z.looseObject({ index: z.number().int().nonnegative().optional(), id: text, function: z.looseObject({ name: text, arguments: text }).nullish() })).nullish(),
});
const chunk = z.looseObject({
  choices: z.array(z.looseObject({ delta, finish_reason: text })),
  usage,
});

export const checkedCompletion = (answer: unknown, provider: string) => checkedAnswer<ChatCompletion>(completion, answer, provider, 'a chat completion');
export const checkedChunk = (answer: unknown, provider: string) => checkedAnswer<ChatCompletionChunk>(chunk, answer, provider, 'a chat.completion.chunk');
