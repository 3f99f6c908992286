// LiteLLM's JWT auth for API callers (`enable_jwt_auth` with `litellm_jwtauth`), over HTTP: an identity
// provider's JWKS served on 127.0.0.1 (keys made with jose), tokens signed by it, the official `openai`
// client sending a JWT as its API key to a gateway in front of a fake OpenAI upstream. The team a token
// names holds it to its budget; a wrong audience or issuer, an expired token or an unknown key id is
// refused; keys rotate (a new key id is fetched once, a removed one is refused once the cached keys
// expire, by an injected clock); the admin scope reaches admin routes, another token does not.
import { type CryptoKey, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { REFETCH_COOLDOWN_MS } from '../../shared/keys/jwks.ts';
import { eventually } from '../helpers/eventually.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import { type RecordingServer, type Responder, sendJson, startRecordingServer } from '../helpers/recording-server.ts';

const ISSUER = 'https://idp.example.test/realms/tollgate';
const AUDIENCE = 'tollgate-gateway';
const OPENAI_KEY = 'sk-upstream-openai';
const TTL_SECONDS = 60;

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: Record<string, unknown>;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

let dynamo: EmbeddedDynamo;
let idp: RecordingServer;
let upstream: RecordingServer;
let gw: KeysGateway;
/** The gateway's clock for tokens and fetched keys; tests move it. */
let now = Date.now();
/** The keys the identity provider publishes. */
let published: SigningKey[] = [];
let first: SigningKey;
/** The key the provider signs with now (key rotation changes it). */
let active: SigningKey;

/** A token signed with `key` (RS256), valid for an hour of the gateway's clock unless `claims` says otherwise. */
function sign(key: SigningKey, claims: JWTPayload = {}, options: { issuer?: string; audience?: string; expiresAt?: number } = {}): Promise<string> {
  return new SignJWT({ sub: 'alice', roles: ['ai-users'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(options.expiresAt ?? Math.floor(now / 1000) + 3600)
    .sign(key.privateKey);
}

const client = (token: string) => new OpenAI({ apiKey: token, baseURL: `${gw.url}/v1`, maxRetries: 0 });
const ask = (token: string) => client(token).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 20 });
/** The status a request with `token` gets, and its error message. */
async function refusalOf(token: string): Promise<{ status: number; message: string }> {
  const error = (await ask(token).catch((thrown: unknown) => thrown)) as InstanceType<typeof OpenAI.APIError>;
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return { status: error.status ?? 0, message: (error.error as { message: string }).message };
}
/** The identity provider's JWKS endpoint: the keys it publishes now. */
const serveKeys: Responder = (request, res) => sendJson(res, request.url === '/jwks' ? 200 : 404, { keys: published.map((key) => key.jwk) });
const jwksFetches = () => idp.requests.filter((request) => request.url === '/jwks').length;

beforeAll(async () => {
  dynamo = await startDynamo();
  first = await signingKey('key-1');
  published = [first];
  active = first;
  idp = await startRecordingServer(serveKeys);
  upstream = await startFakeOpenAI({ apiKey: OPENAI_KEY, models: { 'gpt-4o-mini': { maxOutputTokens: 16384, reasoning: false } } });
  const config = `
model_list:
  - model_name: gpt-4o-mini
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream.url}/v1, api_key: ${OPENAI_KEY}, input_cost_per_token: 0.001, output_cost_per_token: 0.001 }
general_settings:
  master_key: ${MASTER}
  enable_jwt_auth: true
  litellm_jwtauth:
    public_key_ttl: ${TTL_SECONDS}
    team_id_jwt_field: groups
    user_id_jwt_field: sub
    end_user_id_jwt_field: customer.id
    user_roles_jwt_field: roles
    user_allowed_roles: [ai-users]
    issuers:
      - issuer: ${ISSUER}
`;
  gw = await startKeysGateway(dynamo.endpoint, { config, env: { JWT_PUBLIC_KEY_URL: `${idp.url}/jwks`, JWT_AUDIENCE: AUDIENCE }, app: { jwtClock: () => now } });
  await gw.call('POST', '/team/new', { team_id: 'research', models: ['gpt-4o-mini'], max_budget: 100 });
  await gw.call('POST', '/team/new', { team_id: 'broke', max_budget: 0.001 });
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
  await idp.close();
  await dynamo.close();
});

describe('a JWT as the API key', () => {
  it('calls a model with the official client; the spend is the named team and user and end user', async () => {
    const token = await sign(first, { groups: ['research'], customer: { id: 'customer-7' } });
    const completion = await ask(token);
    expect(completion.choices[0]!.message.content).toBeTruthy();
    // Recorded (before the answer) to the team, the token's subject as the user, and the end user it names.
    const logs = (await gw.call('GET', '/spend/logs?end_user=customer-7')).body as Array<{ team_id: string; user: string; spend: number }>;
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ team_id: 'research', user: 'alice' });
    expect(logs[0]!.spend).toBeGreaterThan(0);
    // Charged to the team's budget once the request settles.
    const spent = await eventually(async () => ((await gw.call('GET', '/team/info?team_id=research')).body.team_info.spend as number) || undefined);
    expect(spent).toBeCloseTo(logs[0]!.spend, 6);
    // Neither the token nor any part of its signature is logged.
    expect(gw.log.text()).not.toContain(token.split('.')[2]);
  });

  it("is held to the named team's budget and models", async () => {
    const refused = await refusalOf(await sign(first, { groups: 'broke' }));
    expect(refused.status).toBe(400);
    expect(refused.message).toContain('team broke over budget');
    expect(upstream.requests.filter((request) => request.url === '/v1/chat/completions')).toHaveLength(1);
  });

  it('refuses a token for a team that does not exist, saying so', async () => {
    const refused = await refusalOf(await sign(first, { groups: 'nobody' }));
    expect(refused).toMatchObject({ status: 401 });
    expect(refused.message).toContain('team nobody, which does not exist');
  });

  it('refuses a wrong audience, a wrong issuer, an expired token and an unknown key id, saying what to fix, never quoting the token', async () => {
    const cases: Array<[string, string]> = [
      [await sign(first, { groups: 'research' }, { audience: 'someone-else' }), `its audience (aud) names none of ${AUDIENCE} (JWT_AUDIENCE)`],
      [await sign(first, { groups: 'research' }, { issuer: 'https://evil.example.test' }), `the JWT's issuer (iss) is not one this gateway trusts (litellm_jwtauth.issuers: ${ISSUER})`],
      [await sign(first, { groups: 'research' }, { expiresAt: Math.floor(now / 1000) - 60 }), 'the JWT has expired'],
      [await sign(await signingKey('never-published'), { groups: 'research' }), 'signed with a key (kid "never-published") that the identity provider\'s JWKS (JWT_PUBLIC_KEY_URL) does not hold'],
    ];
    for (const [token, message] of cases) {
      const refused = await refusalOf(token);
      expect(refused.status, message).toBe(401);
      expect(refused.message).toContain(message);
      expect(refused.message).not.toContain(token.split('.')[2]);
    }
    // A signature by another key under a published key id does not verify either.
    const forged = await sign({ ...(await signingKey('key-1')) }, { groups: 'research' });
    expect(await refusalOf(forged)).toMatchObject({ status: 401, message: expect.stringContaining('signature does not verify') });
  });
});

describe('key rotation', () => {
  it('takes a new key after one fetch, and refuses a removed key once the fetched keys expire', async () => {
    const second = await signingKey('key-2');
    // key-1 verifies from the cached keys.
    await ask(await sign(first, { groups: 'research' }));
    const before = jwksFetches();
    // The provider starts signing with key-2: one fetch finds it (once the last fetch is over the cooldown old).
    published = [first, second];
    now += REFETCH_COOLDOWN_MS + 1000;
    await ask(await sign(second, { groups: 'research' }));
    expect(jwksFetches()).toBe(before + 1);
    await ask(await sign(second, { groups: 'research' }));
    expect(jwksFetches()).toBe(before + 1);
    // Made-up key ids right after make no further fetch.
    await refusalOf(await sign(await signingKey('made-up'), { groups: 'research' }));
    expect(jwksFetches()).toBe(before + 1);
    // key-1 is withdrawn: it still verifies until the fetched keys are public_key_ttl old, then not.
    published = [second];
    await ask(await sign(first, { groups: 'research' }));
    now += TTL_SECONDS * 1000;
    const refused = await refusalOf(await sign(first, { groups: 'research' }));
    expect(refused.status).toBe(401);
    expect(refused.message).toContain('kid "key-1"');
    expect(jwksFetches()).toBe(before + 2);
    await ask(await sign(second, { groups: 'research' }));
    active = second;
  });
});

describe('the identity provider out of reach', () => {
  it("answers 503 jwks_unavailable while the provider's keys cannot be fetched, and recovers", async () => {
    now += TTL_SECONDS * 1000;
    idp.respond((_request, res) => sendJson(res, 502, { message: 'bad gateway' }));
    const refused = await refusalOf(await sign(active, { groups: 'research' }));
    expect(refused.status).toBe(503);
    expect(refused.message).toContain("The identity provider's JWKS at 127.0.0.1");
    idp.respond(serveKeys);
    await ask(await sign(active, { groups: 'research' }));
  });
});

describe('roles', () => {
  it('a token with the admin scope reaches admin routes; a team token only its own team info', async () => {
    const admin = await sign(active, { scope: 'openid litellm_proxy_admin' });
    expect((await gw.call('POST', '/team/new', { team_id: 'made-by-jwt' }, admin)).status).toBe(200);
    const team = await sign(active, { groups: 'research' });
    const refused = await gw.call('POST', '/team/new', { team_id: 'not-made' }, team);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('may call only its allowed_routes (openai_routes, info_routes), not /team/new');
    expect((await gw.call('GET', '/team/info?team_id=research', undefined, team)).status).toBe(200);
    expect((await gw.call('GET', '/team/info?team_id=broke', undefined, team)).status).toBe(403);
  });

  it('a token without one of user_allowed_roles is refused, saying which it needs', async () => {
    const refused = await refusalOf(await sign(active, { groups: 'research', roles: ['visitors'] }));
    expect(refused.status).toBe(403);
    expect(refused.message).toContain("The JWT's roles (roles) include none of litellm_jwtauth.user_allowed_roles (ai-users)");
  });

  it('a token that names no team or user and lacks the admin scope may call nothing', async () => {
    const nobody = await new SignJWT({ roles: 'ai-users' })
      .setProtectedHeader({ alg: 'RS256', kid: active.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(Math.floor(now / 1000) + 600)
      .sign(active.privateKey);
    const refused = await refusalOf(nobody);
    expect(refused.status).toBe(403);
    expect(refused.message).toContain('names no team (litellm_jwtauth.team_id_jwt_field: groups)');
  });
});
