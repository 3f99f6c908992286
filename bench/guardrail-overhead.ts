// What an in-process guardrail adds to a request: the built-in content filter, with the detectors a
// PII-and-secrets policy would turn on, over a 2 KB chat prompt holding an e-mail address to mask.
// Measured in this process, per request: reading the prompt's texts, the check, writing them back.
import { contentFilter } from '../shared/guardrails/engines/content-filter.ts';
import { chatSurface } from '../shared/guardrails/surfaces/chat.ts';
import type { ChatCompletionRequest } from '../shared/openai/types.ts';
import { summarize, type Summary } from './stats.ts';

export interface GuardrailOverhead {
  promptBytes: number;
  requests: number;
  /** Microseconds per request. */
  micros: Summary;
}

const ENGINE = contentFilter({
  guardrail: 'litellm_content_filter',
  mode: 'pre_call',
  patterns: (['email', 'us_phone', 'us_ssn', 'credit_card', 'iban', 'ipv4', 'aws_access_key', 'openai_api_key', 'github_token', 'private_key'] as const).map((name) => ({
    pattern_type: 'prebuilt' as const,
    pattern_name: name,
    action: name === 'email' || name === 'us_phone' || name === 'ipv4' ? ('MASK' as const) : ('BLOCK' as const),
  })),
  blocked_words: ['confidential', 'project apollo', 'internal only'].map((keyword) => ({ keyword, action: 'BLOCK' as const })),
});

const SYSTEM = 'You are a concise assistant for the finance team.';
const ASK = 'Send the summary to jane.doe@example.com by Friday.';
const FILLER = 'The quarterly report covers revenue, churn and the roadmap for the next two releases. ';
/** The user's text, long enough that the messages come to 2 KB as JSON. */
const USER = `${FILLER.repeat(30).slice(
  0,
  2048 -
    JSON.stringify([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: ASK },
    ]).length,
)}${ASK}`;

function prompt(): ChatCompletionRequest {
  return {
    model: 'gpt',
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: USER },
    ],
  };
}

export async function measureGuardrailOverhead(requests: number): Promise<GuardrailOverhead> {
  const signal = new AbortController().signal;
  const run = async (body: ChatCompletionRequest) => {
    const slots = chatSurface.request(body);
    const verdict = await ENGINE.check({ texts: slots.map((slot) => slot.get()), direction: 'request', context: { requestId: 'bench' }, extraBody: {}, signal, session: new Map() });
    if (verdict.action === 'mask') for (const [i, slot] of slots.entries()) slot.set(verdict.texts[i]!);
    if (verdict.action !== 'mask') throw new Error(`the bench prompt should be masked, not ${verdict.action}`);
  };
  for (let i = 0; i < Math.min(500, requests); i++) await run(prompt());
  const bodies = Array.from({ length: requests }, prompt);
  const samples: number[] = [];
  for (const body of bodies) {
    const start = process.hrtime.bigint();
    await run(body);
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return { promptBytes: JSON.stringify(prompt().messages).length, requests, micros: summarize(samples) };
}
