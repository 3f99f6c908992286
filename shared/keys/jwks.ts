// The identity provider's signing keys (JWKS), fetched from JWT_PUBLIC_KEY_URL and kept for
// `public_key_ttl`. Keys rotate: a token signed with a key id the cached set lacks makes one new fetch
// (shared by the requests waiting on it, and at most one per REFETCH_COOLDOWN_MS, so that tokens with
// made-up key ids cannot make the gateway hammer the provider); a key the provider removed stops
// verifying once the cached set expires.
import { createLocalJWKSet, errors, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';
import { GatewayError } from '../core/errors.ts';

/** jose's own remote key sets wait as long before fetching again for an unknown key id. */
export const REFETCH_COOLDOWN_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;

type KeySet = ReturnType<typeof createLocalJWKSet>;

export class JwksCache {
  private cached?: { keys: KeySet; fetchedAt: number };
  private fetching?: Promise<{ keys: KeySet; fetchedAt: number }>;

  constructor(
    private readonly urls: string[],
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** The key that verifies a token with this header (jose's key resolver). */
  readonly keyFor = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    let current = this.cached && this.now() - this.cached.fetchedAt < this.ttlMs ? this.cached : await this.fetch();
    try {
      return await current.keys(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || this.now() - current.fetchedAt < REFETCH_COOLDOWN_MS) throw error;
      // A key id not seen yet: the provider may have rotated its keys since the last fetch.
      current = await this.fetch();
      return current.keys(header, token);
    }
  };

  /** Every URL's keys as one set; one fetch at a time. */
  private fetch(): Promise<{ keys: KeySet; fetchedAt: number }> {
    this.fetching ??= (async () => {
      try {
        const sets = await Promise.all(this.urls.map((url) => fetchKeySet(url)));
        this.cached = { keys: createLocalJWKSet({ keys: sets.flatMap((set) => set.keys) }), fetchedAt: this.now() };
        return this.cached;
      } finally {
        this.fetching = undefined;
      }
    })();
    return this.fetching;
  }
}

async function fetchKeySet(url: string): Promise<JSONWebKeySet> {
  const where = new URL(url).host;
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw new GatewayError(
      'jwks_unavailable',
      `The identity provider's signing keys (JWKS at ${where}) could not be fetched, so the JWT could not be verified. Retry shortly; check JWT_PUBLIC_KEY_URL.`,
      { cause: error },
    );
  }
  const body = (await response.json().catch(() => undefined)) as JSONWebKeySet | undefined;
  if (!response.ok || !Array.isArray(body?.keys)) {
    throw new GatewayError('jwks_unavailable', `The identity provider's JWKS at ${where} answered ${response.status} without a key set ({"keys": [...]}). Check JWT_PUBLIC_KEY_URL.`);
  }
  return body;
}
