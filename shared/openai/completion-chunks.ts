// A chat answer both ways between its streamed and its whole form: chunks assembled into the
// `chat.completion` they add up to (a streamed answer is cached whole), and a completion replayed as
// the chunks of a stream (a cached answer to a streamed request).
import type { AssistantMessage, ChatCompletion, ChatCompletionChunk, ToolCall } from './types.ts';

type Choice = ChatCompletion['choices'][number];

/** Adds chunks up, in order, into one completion. */
export class CompletionAssembler {
  private readonly choices = new Map<number, { message: AssistantMessage; finish_reason: Choice['finish_reason']; logprobs?: { content: unknown[] }; calls: Map<number, ToolCall> }>();
  private head?: Pick<ChatCompletion, 'id' | 'created' | 'model' | 'system_fingerprint'>;
  private usage?: ChatCompletion['usage'];

  add(chunk: ChatCompletionChunk): void {
    this.head ??= { id: chunk.id, created: chunk.created, model: chunk.model, system_fingerprint: chunk.system_fingerprint as ChatCompletion['system_fingerprint'] };
    if (chunk.usage) this.usage = { ...chunk.usage };
    for (const { index, delta, finish_reason, logprobs } of chunk.choices) {
      let choice = this.choices.get(index);
      if (!choice) {
        choice = { message: { role: 'assistant', content: null }, finish_reason: null, calls: new Map() };
        this.choices.set(index, choice);
      }
      const { message } = choice;
      if (typeof delta.content === 'string') message.content = (message.content ?? '') + delta.content;
      if (delta.reasoning_content) message.reasoning_content = (message.reasoning_content ?? '') + delta.reasoning_content;
      if (typeof delta['refusal'] === 'string') message.refusal = (message.refusal ?? '') + delta['refusal'];
      if (delta.thinking_blocks) message.thinking_blocks = [...(message.thinking_blocks ?? []), ...delta.thinking_blocks];
      for (const part of delta.tool_calls ?? []) {
        const call = choice.calls.get(part.index) ?? { id: '', type: 'function', function: { name: '', arguments: '' } };
        if (part.id) call.id = part.id;
        call.function.name += part.function?.name ?? '';
        call.function.arguments += part.function?.arguments ?? '';
        choice.calls.set(part.index, call);
      }
      const content = (logprobs as { content?: unknown[] } | null | undefined)?.content;
      if (content) choice.logprobs = { content: [...(choice.logprobs?.content ?? []), ...content] };
      if (finish_reason) choice.finish_reason = finish_reason;
    }
  }

  completion(): ChatCompletion {
    const choices = [...this.choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, { message, finish_reason, logprobs, calls }]): Choice => {
        const toolCalls = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
        return { index, message: toolCalls.length ? { ...message, tool_calls: toolCalls } : message, finish_reason, ...(logprobs && { logprobs }) };
      });
    const head = this.head ?? { id: '', created: 0, model: '' };
    return { ...head, object: 'chat.completion', choices, ...(this.usage && { usage: this.usage }) };
  }
}

/** The chunks a stream of `completion` is made of: per choice its message in one delta, then its finish, then the usage-only chunk. */
export function* completionChunks(completion: ChatCompletion): Generator<ChatCompletionChunk> {
  const head = { id: completion.id, object: 'chat.completion.chunk' as const, created: completion.created, model: completion.model, system_fingerprint: completion.system_fingerprint };
  for (const { index, message, finish_reason, logprobs } of completion.choices) {
    const { role: _role, tool_calls, ...rest } = message;
    const delta = { role: 'assistant' as const, ...rest, ...(tool_calls && { tool_calls: tool_calls.map((call, i) => ({ index: i, ...call })) }) };
    yield { ...head, choices: [{ index, delta, finish_reason: null, ...(logprobs !== undefined && { logprobs }) }] };
    yield { ...head, choices: [{ index, delta: {}, finish_reason }] };
  }
  if (completion.usage) yield { ...head, choices: [], usage: { ...completion.usage } };
}
