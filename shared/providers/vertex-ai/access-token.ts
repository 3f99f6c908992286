// OAuth access tokens for Vertex AI from Google credentials, with no Google library: a service
// account signs a JWT (RS256, node:crypto) and exchanges it at its token_uri (RFC 7523); an
// authorized user trades its refresh token. Tokens are cached per credential until shortly before
// they expire, and concurrent requests share one exchange.
import { createHash, sign } from 'node:crypto';
import { GatewayError } from '../../core/errors.ts';
import { callUpstream, readJson, type UpstreamRequest } from '../../http/upstream.ts';
import { parseAnswer } from '../upstream-answer.ts';
import { parseErrorBody, upstreamError } from '../upstream-errors.ts';
import { tokenAnswerSchema, tokenErrorSchema } from './answer-schema.ts';
import type { GoogleCredentials, ServiceAccountCredentials } from './credentials.ts';

const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** Google's tokens live an hour; a token is renewed when less than this is left, so none expires in flight. */
const RENEW_BEFORE_MS = 5 * 60_000;
const ASSERTION_LIFETIME_SECONDS = 3600;
const TOKEN_TIMEOUT_MS = 30_000;
/** A token answer is a few hundred bytes; anything near this is not one. */
const TOKEN_ANSWER_MAX_BYTES = 64 * 1024;
const TOKEN_ENDPOINT = 'vertex_ai token endpoint';

interface CachedToken {
  token: string;
  expiresAt: number;
}
/** An exchange in flight or done; `token` is set once it succeeded. */
interface Entry {
  pending: Promise<CachedToken>;
  token?: CachedToken;
}

const tokens = new Map<string, Entry>();

export async function accessToken(credentials: GoogleCredentials): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify(credentials)).digest('hex');
  const cached = tokens.get(key);
  // An exchange in flight is waited for (its token is fresh); a finished one is used until near expiry.
  if (cached && (!cached.token || cached.token.expiresAt - RENEW_BEFORE_MS > Date.now())) return (await cached.pending).token;
  const entry: Entry = { pending: exchange(credentials) };
  tokens.set(key, entry);
  entry.pending.then(
    (token) => void (entry.token = token),
    // A failed exchange is not kept: the next request tries again.
    () => void (tokens.get(key) === entry && tokens.delete(key)),
  );
  return (await entry.pending).token;
}

async function exchange(credentials: GoogleCredentials): Promise<CachedToken> {
  const { form, secrets } = tokenRequest(credentials);
  const upstream: UpstreamRequest = {
    url: credentials.token_uri,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
    signal: new AbortController().signal, // shared by every request waiting for it: no one client may cancel it
    stream: false,
    timeoutMs: TOKEN_TIMEOUT_MS,
    maxResponseBytes: TOKEN_ANSWER_MAX_BYTES,
    provider: TOKEN_ENDPOINT,
  };
  const response = await callUpstream(upstream, (status, text) => {
    const { message } = tokenError(text);
    // The token endpoint refusing the credential (400 invalid_grant, 401) is an authentication failure.
    return upstreamError({ provider: TOKEN_ENDPOINT, status: status < 500 && status !== 429 ? 401 : status, message, secrets });
  });
  const body = parseAnswer(tokenAnswerSchema, await readJson(response, upstream), TOKEN_ENDPOINT, 'an access token');
  return { token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? ASSERTION_LIFETIME_SECONDS) * 1000 };
}

function tokenRequest(credentials: GoogleCredentials): { form: Record<string, string>; secrets: string[] } {
  if (credentials.type === 'authorized_user') {
    const { client_id, client_secret, refresh_token } = credentials;
    return { form: { grant_type: 'refresh_token', client_id, client_secret, refresh_token }, secrets: [client_secret, refresh_token] };
  }
  const assertion = signedAssertion(credentials);
  return { form: { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }, secrets: [assertion] };
}

/** A JWT asking for the cloud-platform scope, signed with the service account's private key. */
export function signedAssertion(credentials: ServiceAccountCredentials, now = Date.now()): string {
  const issuedAt = Math.floor(now / 1000);
  const header = { alg: 'RS256', typ: 'JWT', ...(credentials.private_key_id ? { kid: credentials.private_key_id } : {}) };
  const claims = { iss: credentials.client_email, scope: CLOUD_PLATFORM_SCOPE, aud: credentials.token_uri, iat: issuedAt, exp: issuedAt + ASSERTION_LIFETIME_SECONDS };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  let signature: string;
  try {
    signature = sign('RSA-SHA256', Buffer.from(unsigned), credentials.private_key).toString('base64url');
  } catch {
    throw new GatewayError('upstream_auth', `vertex_ai credentials for ${credentials.client_email}: private_key is not a usable PEM RSA key.`);
  }
  return `${unsigned}.${signature}`;
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

function tokenError(text: string): { message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return parseErrorBody(text);
  }
  const body = tokenErrorSchema.safeParse(parsed);
  if (!body.success) return parseErrorBody(text);
  return { message: `${body.data.error}${body.data.error_description ? `: ${body.data.error_description}` : ''}` };
}
