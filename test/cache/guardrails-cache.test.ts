// The response cache and guardrails, in LiteLLM's order: pre-call guardrails run before the cache is
// looked up (a request they refuse is refused even when its answer is cached; one they mask is looked
// up as masked), and post-call guardrails run on hits too, without changing the stored answer for
// requests that do not ask for them. Through the official `openai` client, against dynalite.
import { beforeEach, describe, expect, it } from 'vitest';
import { outcome } from '../spend/support.ts';
import { cacheSuite, MASTER } from './support.ts';

const GUARDRAILS = `guardrails:
  - guardrail_name: pii-in
    litellm_params:
      guardrail: litellm_content_filter
      mode: pre_call
      patterns:
        - { pattern_type: prebuilt, pattern_name: email, action: MASK }
        - { pattern_type: prebuilt, pattern_name: us_ssn, action: BLOCK }
  - guardrail_name: pii-out
    litellm_params:
      guardrail: litellm_content_filter
      mode: post_call
      patterns:
        - { pattern_type: prebuilt, pattern_name: email, action: MASK }
`;

const suite = cacheSuite('{ type: redis }', { extra: GUARDRAILS });
beforeEach(() => suite.upstream.answerWith(undefined));

const stored = () => new Promise((resolve) => setTimeout(resolve, 300));
let counter = 0;

async function ask(content: string, guardrails?: string[]) {
  const { data, response } = await suite.gateway
    .client(MASTER)
    .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content }], ...(guardrails && { guardrails }) } as any)
    .withResponse();
  return { content: data.choices[0]!.message.content, cache: response.headers.get('x-tollgate-cache') };
}

describe('the cache and guardrails', () => {
  it('runs pre-call guardrails before the lookup: a refused request is refused though its answer is cached, a masked one is looked up masked', async () => {
    const blocked = `My SSN is 123-45-6789, question ${++counter}`;
    expect((await ask(blocked)).cache).toBe('miss');
    await stored();
    const calls = suite.upstream.chats();
    const refused = await outcome(ask(blocked, ['pii-in']));
    expect(refused.status).toBe(400);
    expect(suite.upstream.chats()).toBe(calls);

    const masked = (email: string) => `Write to ${email} about question ${++counter}`;
    const first = masked('ann@example.com');
    expect((await ask(first, ['pii-in'])).cache).toBe('miss');
    expect(JSON.stringify(suite.upstream.requests.at(-1)!.json.messages)).not.toContain('ann@example.com');
    await stored();
    // Another address masks to the same request: the same entry answers it.
    counter -= 1;
    expect((await ask(masked('bob@example.com'), ['pii-in'])).cache).toBe('hit');
  });

  it('runs post-call guardrails on hits, leaving the stored answer as it was for requests without them', async () => {
    suite.upstream.answerWith((n) => `Reply ${n}: write to carol@example.com`);
    const prompt = `Who should I write to, ${++counter}?`;
    const first = await ask(prompt);
    expect(first).toMatchObject({ cache: 'miss', content: expect.stringContaining('carol@example.com') });
    await stored();
    const guarded = await ask(prompt, ['pii-out']);
    expect(guarded.cache).toBe('hit');
    expect(guarded.content).not.toContain('carol@example.com');
    expect(await ask(prompt)).toEqual({ cache: 'hit', content: first.content });

    // A miss a post-call guardrail rewrote is stored as the model answered it.
    const other = `Whom else should I write to, ${++counter}?`;
    const masked = await ask(other, ['pii-out']);
    expect(masked.cache).toBe('miss');
    expect(masked.content).not.toContain('carol@example.com');
    await stored();
    expect(await ask(other)).toEqual({ cache: 'hit', content: expect.stringContaining('carol@example.com') });
  });
});
