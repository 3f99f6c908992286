// The EMF metrics of a request that ran guardrails: one GuardrailChecks record per guardrail, by its
// name, mode and action, beside the request's own, and no text of the request in any of them.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, expect, it, vi } from 'vitest';
import { requestMetrics } from '../../functions/gateway/metrics.ts';
import type { RequestContext } from '../../shared/core/types.ts';
import { startCallRecord } from '../../shared/pricing/call-record.ts';

afterEach(() => vi.restoreAllMocks());

it('publishes what each guardrail did as its own metric', () => {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  const ctx = { requestId: 'r1', timings: { start: 0, end: 5 }, logFields: {}, responseHeaders: {}, status: 400 } as unknown as RequestContext;
  const record = startCallRecord(ctx, { model: 'gpt', callType: 'acompletion', request: {}, headers: {} });
  record.guardrails = [
    { guardrail_name: 'pii-in', guardrail_mode: 'pre_call', action: 'masked', detected: ['email pattern'] },
    { guardrail_name: 'answers', guardrail_mode: 'post_call', action: 'blocked', detected: ['openai_api_key pattern detected'] },
  ];
  requestMetrics(new Metrics({ namespace: 'Tollgate', serviceName: 'gateway' }), new Set(['gpt']))(ctx);
  const emf = lines
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{') && l.includes('"_aws"'))
    .map((l) => JSON.parse(l));
  expect(emf.filter((record) => 'Requests' in record)).toHaveLength(1);
  const checks = emf.filter((record) => 'GuardrailChecks' in record);
  expect(checks.map(({ guardrail, mode, action, GuardrailChecks }) => ({ guardrail, mode, action, GuardrailChecks }))).toEqual([
    { guardrail: 'pii-in', mode: 'pre_call', action: 'masked', GuardrailChecks: 1 },
    { guardrail: 'answers', mode: 'post_call', action: 'blocked', GuardrailChecks: 1 },
  ]);
  expect(checks[0]._aws.CloudWatchMetrics[0].Dimensions[0]).toEqual(expect.arrayContaining(['guardrail', 'mode', 'action']));
});
