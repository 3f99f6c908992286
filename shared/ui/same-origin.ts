// Changes made from the UI must come from its own pages: a browser sends the page's Origin with every
// POST, and a page elsewhere cannot forge it. (Requests without one come from no browser page.)
import { GatewayError } from '../core/errors.ts';

export function checkSameOrigin(headers: Record<string, string>, what: string): void {
  const origin = headers['origin'];
  if (origin === undefined) return;
  const host = URL.canParse(origin) ? new URL(origin).host : undefined;
  if (host !== headers['host']) throw new GatewayError('permission_denied', `${what} must come from this gateway's own pages, not from ${origin}.`);
}
