// A zod validation failure of a request body as the 400 clients get: the first problem, with `param`
// naming the field the way OpenAI does (`messages[0].role`).
import type * as z from 'zod';
import { GatewayError } from './errors.ts';

export function invalidRequest(error: z.ZodError): GatewayError {
  const issue = error.issues[0]!;
  const param = issuePath(issue);
  return new GatewayError('invalid_request', `Invalid request: ${param ? `${param}: ` : ''}${issue.message}`, { param: param || null });
}

/** Where a zod issue is, written as in JavaScript (`messages[0].role`); empty at the top level. */
export function issuePath(issue: z.core.$ZodIssue): string {
  return issue.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}
