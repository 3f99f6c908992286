// Request paths: the one form routes answer on, and the form the access log may show.
import { GatewayError } from './errors.ts';

/**
 * A path with an empty segment (`//x/key/list`) or a dot segment (`/health/liveliness/../../key/list`)
 * is refused, not normalized: a front proxy or firewall judging the raw path would let it by as
 * another route than the one it would reach here. (A trailing slash is the one variant routes take.)
 */
export function checkCanonicalPath(path: string): void {
  if (!path.startsWith('/') || /\/\/|\/\.\.?(\/|$)/.test(path)) {
    throw new GatewayError(
      'invalid_request',
      "The request path is not in canonical form: it has an empty (//) or a dot (. or ..) segment. Send the route's path as documented, e.g. /v1/chat/completions.",
    );
  }
}

/**
 * A path with any key in it (POST /key/sk-.../regenerate) with that segment shortened to LiteLLM's
 * `sk-...abcd`, for logs. Escapes are undone first, each on its own so broken ones cannot hide a key
 * (`/key/%73k-...` is `/key/sk-...`).
 */
export function maskKeysInPath(path: string): string {
  return path
    .split('/')
    .map((segment) => {
      const unescaped = segment.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      return unescaped.includes('sk-') ? `sk-...${unescaped.slice(-4)}` : segment;
    })
    .join('/');
}
