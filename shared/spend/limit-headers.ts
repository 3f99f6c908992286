// The headers LiteLLM's clients read about a key's limits, from the counters its reservation saw:
// x-ratelimit-limit|remaining|reset-requests|tokens from the tightest rpm and tpm meters of every
// account; x-litellm-key-remaining-requests|tokens-{model} where the key has per-model limits; and
// x-litellm-key-spend and x-litellm-key-max-budget.
import type { Fields } from '../store/records.ts';
import type { Account } from './accounts.ts';
import { counter, remaining, type Refusal } from './meter-plan.ts';
import { secondsLeftInRateWindow } from './periods.ts';

/** An account's counters as its reservation saw them (or, unreserved, as last read). */
export interface SeenAccount {
  account: Account;
  state: Fields;
}

export function limitHeaders(seen: SeenAccount[], refusal: Refusal | undefined, now: number): Record<string, string> {
  const headers: Record<string, string> = {};
  let requests: { left: number; max: number; window?: number } | undefined;
  let tokens: { left: number; max: number; window?: number } | undefined;
  for (const { account, state } of seen) {
    for (const meter of account.meters) {
      const left = remaining(meter, state);
      const window = typeof state[counter(meter.prefix, 'rl_window')] === 'number' ? (state[counter(meter.prefix, 'rl_window')] as number) : undefined;
      if (left.requests && (!requests || left.requests[0] < requests.left)) requests = { left: left.requests[0], max: left.requests[1], window };
      if (left.tokens && (!tokens || left.tokens[0] < tokens.left)) tokens = { left: left.tokens[0], max: left.tokens[1], window };
      const model = account.kind === 'key' && meter.prefix.startsWith('model:') ? meter.prefix.slice('model:'.length, -1) : undefined;
      if (model !== undefined && left.requests) headers[`x-litellm-key-remaining-requests-${model}`] = String(left.requests[0]);
      if (model !== undefined && left.tokens) headers[`x-litellm-key-remaining-tokens-${model}`] = String(left.tokens[0]);
    }
    if (account.kind === 'key') {
      const spend = state['spend'] ?? account.record['spend'];
      if (typeof spend === 'number') headers['x-litellm-key-spend'] = String(spend);
      const maxBudget = account.meters[0]?.limits.maxBudget;
      if (maxBudget !== undefined) headers['x-litellm-key-max-budget'] = String(maxBudget);
    }
  }
  if (refusal?.limit === 'rpm') requests = { left: 0, max: refusal.max, window: requests?.window };
  if (refusal?.limit === 'tpm') tokens = { left: 0, max: refusal.max, window: tokens?.window };
  // OpenAI's form of the time until the window resets ("12s"); a window not started yet resets in a minute.
  const reset = (window: number | undefined) => `${window === undefined ? 60 : secondsLeftInRateWindow(window, now)}s`;
  if (requests)
    Object.assign(headers, { 'x-ratelimit-remaining-requests': String(requests.left), 'x-ratelimit-limit-requests': String(requests.max), 'x-ratelimit-reset-requests': reset(requests.window) });
  if (tokens) Object.assign(headers, { 'x-ratelimit-remaining-tokens': String(tokens.left), 'x-ratelimit-limit-tokens': String(tokens.max), 'x-ratelimit-reset-tokens': reset(tokens.window) });
  return headers;
}
