// Which end user (LiteLLM's "customer") a model request is for, read where LiteLLM reads it: the
// end user a caller's JWT names first, then the headers x-litellm-customer-id /
// x-litellm-end-user-id, then the body's own field (`user` in OpenAI's format, `metadata.user_id` in
// Anthropic's). The id names the customer's item, so one too long (or malformed) for a DynamoDB key is
// the caller's 400.
import { GatewayError } from '../core/errors.ts';
import type { Identity } from '../core/types.ts';
import { idProblem } from '../store/limits.ts';
import { virtualKeyOf } from './identity.ts';

const END_USER_HEADERS = ['x-litellm-customer-id', 'x-litellm-end-user-id'];

export function endUserOf(headers: Record<string, string>, fromBody: string | null | undefined, identity?: Identity): string | undefined {
  // The end user a caller's JWT names (end_user_id_jwt_field) is the identity provider's word: it wins.
  const fromToken = virtualKeyOf(identity)?.jwt?.endUser;
  if (fromToken) return checked(fromToken, 'the JWT', 'user');
  for (const name of END_USER_HEADERS) {
    const value = headers[name]?.trim();
    if (value) return checked(value, `the ${name} header`, name);
  }
  return fromBody ? checked(fromBody, '`user`', 'user') : undefined;
}

function checked(id: string, source: string, param: string): string {
  const problem = idProblem(id);
  if (problem) throw new GatewayError('invalid_request', `The end user id in ${source} ${problem}.`, { param });
  return id;
}
