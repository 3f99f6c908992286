// What the guardrails read of each kind of call, straight from the surfaces: every text, written back
// where it came from, and nothing thrown on shapes the request schemas let through.
import { describe, expect, it } from 'vitest';
import type { MessagesCall } from '../../shared/endpoints/messages-call.ts';
import { messagesSurface } from '../../shared/guardrails/surfaces/messages.ts';

describe('the /v1/messages surface', () => {
  it('reads system, text, tool_use input and tool_result content, and skips what holds no text', () => {
    const call = {
      message: {
        model: 'm',
        max_tokens: 10,
        system: [{ type: 'text', text: 'sys' }],
        messages: [
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: { q: 'x' } }] },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 't1', content: [null, 'bare', { type: 'text', text: 'result' }, { type: 'image', source: {} }] },
              { type: 'text', text: 'hi' },
            ],
          },
        ],
      },
    } as unknown as MessagesCall;
    const slots = messagesSurface.request(call);
    expect(slots.map((slot) => slot.get())).toEqual(['sys', '{"q":"x"}', 'result', 'hi']);
    slots[1]!.set('{"q":"y"}');
    slots[2]!.set('masked');
    expect(call.message.messages[0]!.content).toEqual([{ type: 'tool_use', id: 't1', name: 'f', input: { q: 'y' } }]);
    expect(JSON.stringify(call.message.messages[1])).toContain('"text":"masked"');
  });
});
