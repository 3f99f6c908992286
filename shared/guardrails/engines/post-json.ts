// One JSON exchange with a guardrail service (Presidio, OpenAI moderation, a generic guardrail API),
// over the gateway's upstream client: its timeout, its abort on client disconnect, its socket pools.
// Any failure is thrown; the guardrail's fail-open or fail-closed choice decides what follows.
import { GatewayError } from '../../core/errors.ts';
import { callUpstream } from '../../http/upstream.ts';

/** An answer bigger than this is no guardrail verdict. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export interface JsonCall {
  /** Names the service in errors. */
  service: string;
  url: string;
  headers?: Record<string, string>;
  body: unknown;
  signal: AbortSignal;
  timeoutMs: number;
}

export async function postJson(call: JsonCall): Promise<unknown> {
  const response = await callUpstream(
    {
      url: call.url,
      headers: { 'content-type': 'application/json', accept: 'application/json', ...call.headers },
      body: JSON.stringify(call.body),
      signal: call.signal,
      timeoutMs: call.timeoutMs,
      stream: false,
      maxResponseBytes: MAX_ANSWER_BYTES,
      provider: call.service,
    },
    (status) => new GatewayError('guardrail_unavailable', `${call.service} answered HTTP ${status}.`),
  );
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_ANSWER_BYTES) throw new GatewayError('guardrail_unavailable', `${call.service} answered with more than ${MAX_ANSWER_BYTES} bytes.`);
    parts.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(parts).toString('utf8'));
  } catch {
    throw new GatewayError('guardrail_unavailable', `${call.service} answered with a body that is not JSON.`);
  }
}
