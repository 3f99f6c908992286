// A zod validation failure of a request body as the 400 clients get: the first problem, with `param`
// naming the field the way OpenAI does (`messages[0].role`).
import type * as z from 'zod';
import { GatewayError } from './errors.ts';

export function invalidRequest(error: z.ZodError): GatewayError {
  const issue = error.issues[0]!;
  const param = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  return new GatewayError('invalid_request', `Invalid request: ${param ? `${param}: ` : ''}${issue.message}`, { param: param || null });
}
