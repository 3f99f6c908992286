// The playground's chat: a signed-in person chats as one of the keys they may use, without the key
// ever reaching the browser. The browser names the key by its hash; the route checks the person owns
// it (or is a proxy admin), becomes that key (checked as the authenticator checks a presented key:
// blocked, expired, its routes), and hands the request to the chat completions route, so the
// model-call pipeline does everything else (model access, budgets, routing, spend) as for the key.
import * as z from 'zod';
import { GatewayError } from '../core/errors.ts';
import type { CalledRoute, Route } from '../core/types.ts';
import { parseBody } from '../endpoints/admin/fields.ts';
import type { VirtualKeyIdentity } from '../keys/identity.ts';
import { sessionOf } from '../keys/session-identity.ts';
import type { Identities } from '../store/identities.ts';

export const PLAYGROUND_PATH = '/ui/api/playground/chat';
const CHAT_PATH = '/v1/chat/completions';
const CHAT_ROUTE: CalledRoute = { path: CHAT_PATH, group: 'llm_api' };

const bodySchema = z.strictObject({
  /** The key's hash, as /key/list gives it. */
  key: z.string().regex(/^[0-9a-f]{64}$/, 'must be a key hash (the `token` /key/list gives)'),
  model: z.string().min(1),
  messages: z.array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })).min(1),
});

export function playgroundRoute(chat: Route, identities: Identities, keyIdentity: (token: string, route: CalledRoute) => Promise<VirtualKeyIdentity | undefined>): Route {
  return {
    method: 'POST',
    paths: [PLAYGROUND_PATH],
    auth: 'caller',
    async handle(request, ctx, params) {
      const session = sessionOf(ctx.identity);
      if (!session) throw new GatewayError('permission_denied', 'The playground is for people signed in to the UI; a key calls /v1/chat/completions itself.');
      const { key, model, messages } = parseBody(bodySchema, request.body, PLAYGROUND_PATH);
      const record = await identities.keys.get(key);
      if (!record || (session.role !== 'proxy_admin' && (session.userId === null || record.user_id !== session.userId))) {
        throw new GatewayError('permission_denied', 'You may chat only with your own keys (a proxy admin with any).');
      }
      const identity = await keyIdentity(key, CHAT_ROUTE);
      if (!identity) throw new GatewayError('invalid_key', 'That key no longer exists.');
      ctx.identity = identity;
      const { cookie: _cookie, ...headers } = request.headers;
      return chat.handle({ ...request, path: CHAT_PATH, headers, body: JSON.stringify({ model, messages, stream: true, stream_options: { include_usage: true } }) }, ctx, params);
    },
  };
}
