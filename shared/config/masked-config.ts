// The running config as an admin may see it (GET /config/yaml, the UI's Settings page): the document
// as written, every secret in it masked. An `os.environ/NAME` reference is shown as written (it names
// where the secret is, not what it is). Masked: any string under a key whose name says it is a
// credential (api_key, master_key, client_secret, aws_session_token, password, database_url,
// redis_url, ...), everything under headers and environment maps (an MCP server's auth headers and
// env, `environment_variables`), and in any other URL its user and password and its query's values.
// Numbers and booleans stay (`max_tokens`, `enable_jwt_auth`): they are settings, not credentials.

export const MASK = '****';

const ENV_REFERENCE = 'os.environ/';
/** Keys whose string values are credentials. */
const SECRET_NAME = /key|secret|token|password|passwd|credential|authorization|auth_value|cookie|signature|webhook|database_url|redis_url|dsn/i;
/** Maps whose every value may be a credential. */
const SECRET_MAP = /headers$|^env$|^environment_variables$/i;
const URL_WITH_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

export function maskedConfig(document: Record<string, unknown>): Record<string, unknown> {
  return mask(document, false) as Record<string, unknown>;
}

function mask(value: unknown, secret: boolean): unknown {
  if (typeof value === 'string') {
    if (value.startsWith(ENV_REFERENCE)) return value;
    return secret ? MASK : maskUrl(value);
  }
  if (Array.isArray(value)) return value.map((item) => mask(item, secret));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, mask(inner, secret || SECRET_NAME.test(name) || SECRET_MAP.test(name))]));
  }
  return value;
}

/** A URL's user, password and query values masked (`postgres://user:pass@host`, `https://host/?key=...`); any other text as it is. */
function maskUrl(text: string): string {
  if (!URL_WITH_SCHEME.test(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Not a URL after all, yet it looked like one: it may hold a credential the parser could not place.
    return MASK;
  }
  if (!url.username && !url.password && !url.search) return text;
  if (url.username) url.username = MASK;
  if (url.password) url.password = MASK;
  for (const name of [...url.searchParams.keys()]) url.searchParams.set(name, MASK);
  // URL encodes the mask's asterisks in the user part; shown as written.
  return url.toString().replaceAll('%2A', '*');
}
