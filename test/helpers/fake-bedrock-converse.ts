// Bedrock's Converse and ConverseStream answered by the scripted model (scripted-model.ts), on the
// fake Bedrock Runtime (fake-bedrock.ts), with the checks the real API makes that a gateway's
// translation could trip: roles that alternate from a user turn, no blank text, toolResult blocks
// answering the previous turn's toolUse, a toolConfig whenever tools appear, maxTokens within the
// model's limit, and, with Claude's thinking on, the signed reasoning block sent back unchanged in a
// tool loop (Bedrock relays Anthropic's own check).
import type { Http2ServerResponse } from 'node:http2';
import { budgetRuleBroken, contentText, fakeId, forcedToolName, pieces, replyTokens, scriptedReply, thinkingRuleBroken, tokenCount, type Conversation, type Reply } from './scripted-model.ts';
import { sendBedrockError, sendBedrockJson, sendEventStream, type BedrockRequest, type BedrockResponder, type StreamFrame } from './fake-bedrock.ts';

/** Answers with the scripted model; `models` are the model ids served, with their maximum output tokens. */
export function scriptedConverse(models: Record<string, number>): BedrockResponder {
  return (request, res) => answer(request, res, models);
}

function answer(request: BedrockRequest, res: Http2ServerResponse, models: Record<string, number>): void | Promise<void> {
  const limit = models[request.modelId];
  if (request.operation === 'invoke' || limit === undefined) return sendBedrockError(res, 400, 'ValidationException', 'The provided model identifier is invalid.');
  const body = request.json ?? {};
  const invalid = invalidRequest(body, limit);
  if (invalid) return sendBedrockError(res, 400, 'ValidationException', invalid);
  const reply = scriptedReply(conversation(body));
  const usage = { inputTokens: tokenCount(JSON.stringify(body.messages) + JSON.stringify(body.system ?? '')), outputTokens: replyTokens(reply) };
  const usageBody = { ...usage, totalTokens: usage.inputTokens + usage.outputTokens };
  const stopReason = reply.toolCall ? 'tool_use' : 'end_turn';
  const content = contentBlocks(reply);
  if (request.operation === 'converse') {
    return sendBedrockJson(res, { output: { message: { role: 'assistant', content } }, stopReason, usage: usageBody, metrics: { latencyMs: 1 } });
  }
  return sendEventStream(res, streamFrames(content, stopReason, usageBody));
}

function invalidRequest(body: any, limit: number): string | undefined {
  const messages: any[] = Array.isArray(body.messages) ? body.messages : [];
  if (!messages.length) return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
  let toolsUsed = false;
  for (const [index, m] of messages.entries()) {
    if (index === 0 && m.role !== 'user') return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
    if ((m.role !== 'user' && m.role !== 'assistant') || (index > 0 && messages[index - 1].role === m.role)) {
      return 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
    }
    const blocks: any[] = Array.isArray(m.content) ? m.content : [];
    for (const [at, block] of blocks.entries()) {
      if ('text' in block && !String(block.text).trim()) return `The text field in the ContentBlock object at messages.${index}.content.${at} is blank. Add text to the text field, and try again.`;
    }
    const uses = (messages[index - 1]?.content ?? []).filter((b: any) => b.toolUse).map((b: any) => b.toolUse.toolUseId);
    const results = blocks.filter((b) => b.toolResult).map((b) => b.toolResult.toolUseId);
    if (results.length > uses.length) return `The number of toolResult blocks at messages.${index}.content exceeds the number of toolUse blocks of previous turn.`;
    const unmatched = results.find((id: string) => !uses.includes(id));
    if (unmatched) return `The toolResult block at messages.${index}.content has toolUseId ${unmatched}, which no toolUse block of the previous turn has.`;
    toolsUsed ||= blocks.some((b) => b.toolUse || b.toolResult);
  }
  if (toolsUsed && !body.toolConfig) return 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
  const maxTokens = body.inferenceConfig?.maxTokens;
  if (typeof maxTokens === 'number' && maxTokens > limit) {
    return `The maximum tokens you requested exceeds the model limit of ${limit}. Try again with a maximum tokens value that is lower than ${limit}.`;
  }
  return invalidThinking(body, messages);
}

const thinkingOn = (body: any) => ['enabled', 'adaptive'].includes(body.additionalModelRequestFields?.thinking?.type);

function invalidThinking(body: any, messages: any[]): string | undefined {
  if (!thinkingOn(body)) return undefined;
  const budget = budgetRuleBroken(body.additionalModelRequestFields.thinking, body.inferenceConfig?.maxTokens);
  if (budget) return budget;
  const last = messages.at(-1);
  if (last.role !== 'user' || !last.content.some((b: any) => b.toolResult) || messages.length < 2) return undefined;
  const first = messages.at(-2).content[0];
  // Anthropic's block names for what Converse calls reasoningContent.
  const block = first?.reasoningContent?.reasoningText
    ? { type: 'thinking', signature: first.reasoningContent.reasoningText.signature }
    : first?.reasoningContent?.redactedContent
      ? { type: 'redacted_thinking' }
      : { type: first?.text !== undefined ? 'text' : first?.toolUse ? 'tool_use' : (Object.keys(first ?? {})[0] ?? 'nothing') };
  return thinkingRuleBroken(block, `messages.${messages.length - 2}.content.0`);
}

function conversation(body: any): Conversation {
  const last = body.messages.at(-1);
  const blocks: any[] = last.role === 'user' ? last.content : [];
  const tools: string[] = (body.toolConfig?.tools ?? []).map((tool: any) => tool.toolSpec?.name).filter(Boolean);
  const choice = body.toolConfig?.toolChoice;
  return {
    userText: blocks
      .filter((b) => typeof b.text === 'string')
      .map((b) => b.text)
      .join('\n'),
    toolResults: blocks.filter((b) => b.toolResult).map((b) => contentText(b.toolResult.content)),
    tools,
    forcedTool: forcedToolName(choice?.tool?.name, Boolean(choice?.any), tools),
    wantsJson: Boolean(body.outputConfig?.textFormat),
    thinking: thinkingOn(body),
  };
}

function contentBlocks(reply: Reply): any[] {
  const blocks: any[] = [];
  if (reply.thinking) blocks.push({ reasoningContent: { reasoningText: { text: reply.thinking.text, signature: reply.thinking.signature } } });
  if (reply.text) blocks.push({ text: reply.text });
  if (reply.toolCall) blocks.push({ toolUse: { toolUseId: fakeId('tooluse_'), name: reply.toolCall.name, input: reply.toolCall.input } });
  return blocks;
}

/** ConverseStream's events: messageStart, each block's start/deltas/stop, messageStop, metadata. */
function streamFrames(content: any[], stopReason: string, usage: object): StreamFrame[] {
  const frames: StreamFrame[] = [{ event: 'messageStart', payload: { role: 'assistant' } }];
  content.forEach((block, contentBlockIndex) => {
    if (block.reasoningContent) {
      const { text, signature } = block.reasoningContent.reasoningText;
      for (const piece of pieces(text, 2)) frames.push({ event: 'contentBlockDelta', payload: { contentBlockIndex, delta: { reasoningContent: { text: piece } } } });
      frames.push({ event: 'contentBlockDelta', payload: { contentBlockIndex, delta: { reasoningContent: { signature } } } });
    } else if (block.text !== undefined) {
      for (const text of pieces(block.text)) frames.push({ event: 'contentBlockDelta', payload: { contentBlockIndex, delta: { text } } });
    } else {
      frames.push({ event: 'contentBlockStart', payload: { contentBlockIndex, start: { toolUse: { toolUseId: block.toolUse.toolUseId, name: block.toolUse.name } } } });
      for (const input of pieces(JSON.stringify(block.toolUse.input), 2)) frames.push({ event: 'contentBlockDelta', payload: { contentBlockIndex, delta: { toolUse: { input } } } });
    }
    frames.push({ event: 'contentBlockStop', payload: { contentBlockIndex } });
  });
  frames.push({ event: 'messageStop', payload: { stopReason } });
  frames.push({ event: 'metadata', payload: { usage, metrics: { latencyMs: 1 } } });
  return frames;
}
