// Fakes for Vertex AI tests: a service account with a fresh RSA key, and a token endpoint on
// 127.0.0.1 that checks the signed JWT (RS256 signature with the account's public key, issuer,
// audience, scope, lifetime) as Google's OAuth endpoint does before it issues an access token, or
// an authorized user's refresh token.
import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import type { Deployment } from '../../../shared/config/types.ts';
import { sendJson, startRecordingServer, type RecordingServer } from '../../helpers/recording-server.ts';

export interface ServiceAccount {
  json: Record<string, string>;
  publicKey: KeyObject;
}

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_KEY_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
let accounts = 0;

/** A service-account key file's contents; each call is a distinct account, so token caches do not mix. */
export function serviceAccount(tokenUri: string, overrides: Record<string, string> = {}): ServiceAccount {
  const n = ++accounts;
  return {
    json: {
      type: 'service_account',
      project_id: 'my-project',
      private_key_id: `key-${n}`,
      private_key: PRIVATE_KEY_PEM,
      client_email: `gateway-${n}@my-project.iam.gserviceaccount.com`,
      client_id: `10000000000000000000${n}`,
      token_uri: tokenUri,
      ...overrides,
    },
    publicKey,
  };
}

export interface TokenEndpoint extends RecordingServer {
  tokenUri: string;
  /** Access tokens issued, in order. */
  issued: string[];
  /** Seconds the next tokens live. */
  lifetime: number;
}

export async function startTokenEndpoint(): Promise<TokenEndpoint> {
  const server = await startRecordingServer();
  const endpoint = Object.assign(server, { tokenUri: `${server.url}/token`, issued: [] as string[], lifetime: 3599 });
  server.respond((request, res) => {
    const problem = jwtProblem(request.body, request.headers['content-type'], endpoint.tokenUri);
    if (problem) return sendJson(res, 400, { error: 'invalid_grant', error_description: problem });
    const token = `ya29.test-access-token-${endpoint.issued.length + 1}`;
    endpoint.issued.push(token);
    sendJson(res, 200, { access_token: token, expires_in: endpoint.lifetime, token_type: 'Bearer' });
  });
  return endpoint;
}

/** What `gcloud auth application-default login` writes; the fake endpoint accepts exactly this refresh token. */
export function authorizedUser(tokenUri: string): Record<string, string> {
  return {
    type: 'authorized_user',
    client_id: 'client-1.apps.googleusercontent.com',
    client_secret: 'd-test-client-secret',
    refresh_token: '1//test-refresh-token',
    quota_project_id: 'quota-project',
    token_uri: tokenUri,
  };
}

function jwtProblem(body: string, contentType: string | undefined, audience: string): string | undefined {
  if (contentType !== 'application/x-www-form-urlencoded') return 'Expected a form body.';
  const form = new URLSearchParams(body);
  if (form.get('grant_type') === 'refresh_token') {
    const user = authorizedUser(audience);
    const matches = ['client_id', 'client_secret', 'refresh_token'].every((field) => form.get(field) === user[field]);
    return matches ? undefined : 'Bad refresh token or client.';
  }
  if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return 'Unsupported grant type.';
  const [header, claims, signature] = (form.get('assertion') ?? '').split('.');
  if (!header || !claims || !signature) return 'Malformed JWT.';
  if (!verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature, 'base64url'))) return 'Invalid JWT Signature.';
  const h = JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>;
  const c = JSON.parse(Buffer.from(claims, 'base64url').toString()) as Record<string, number | string>;
  const now = Date.now() / 1000;
  if (h['alg'] !== 'RS256' || h['typ'] !== 'JWT' || !String(h['kid']).startsWith('key-')) return 'Invalid JWT header.';
  if (!/^gateway-\d+@my-project\.iam\.gserviceaccount\.com$/.test(String(c['iss']))) return 'Invalid issuer.';
  if (c['aud'] !== audience) return 'Invalid JWT: audience is not the token endpoint.';
  if (!String(c['scope']).split(' ').includes('https://www.googleapis.com/auth/cloud-platform')) return 'Missing cloud-platform scope.';
  const iat = Number(c['iat']);
  const exp = Number(c['exp']);
  if (Math.abs(iat - now) > 60 || exp - iat > 3600 || exp <= now) return 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.';
  return undefined;
}

export function vertexDeployment(params: Record<string, unknown>, overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 'vertex-test',
    modelName: 'vertex',
    provider: 'vertex_ai',
    upstreamModel: 'gemini-2.5-flash',
    timeoutMs: 5_000,
    maxResponseBytes: 1024 * 1024,
    extraHeaders: {},
    params,
    modelInfo: {},
    ...overrides,
  };
}
