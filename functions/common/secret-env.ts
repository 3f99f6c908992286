// In AWS, `os.environ/NAME` values in the config come from one Secrets Manager secret (a JSON object of
// NAME → value), then from the Lambda environment. Fetched on the first invocation, cached per instance
// for TOLLGATE_SECRET_TTL_SECONDS (default 300) so a rotated provider key arrives without a redeploy.
// Values are never logged.
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { EnvLookup } from '../../shared/config/load.ts';

export type SecretValues = Readonly<Record<string, string>>;

export interface SecretSource {
  /** The secret's values; the same object until the cache expires and the secret has changed. */
  values(): Promise<SecretValues>;
}

const DEFAULT_TTL_SECONDS = 300;

/** The deployment's secret as the stack names it (TOLLGATE_SECRET_ID, TOLLGATE_SECRET_TTL_SECONDS); none outside AWS. */
export function secretSourceFromEnv(env: EnvLookup): SecretSource | undefined {
  const secretId = env('TOLLGATE_SECRET_ID');
  return secretId ? secretSource(new SecretsProvider(), secretId, Number(env('TOLLGATE_SECRET_TTL_SECONDS') ?? DEFAULT_TTL_SECONDS)) : undefined;
}

export function secretSource(provider: SecretsProvider, secretId: string, ttlSeconds = DEFAULT_TTL_SECONDS): SecretSource {
  let current: { text: string; values: SecretValues } | undefined;
  return {
    async values() {
      const text = await provider.get(secretId, { maxAge: ttlSeconds });
      if (typeof text !== 'string') throw new Error(`Secret ${secretId} has no string value; store a JSON object of NAME → value.`);
      if (current?.text === text) return current.values;
      current = { text, values: parseSecret(text, secretId) };
      return current.values;
    },
  };
}

function parseSecret(text: string, secretId: string): SecretValues {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`Secret ${secretId} is not JSON; store an object like {"OPENAI_API_KEY": "sk-..."}.`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`Secret ${secretId} must be a JSON object of NAME → value.`);
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string') values[name] = value;
  }
  return values;
}
