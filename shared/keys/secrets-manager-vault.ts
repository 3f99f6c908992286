// LiteLLM's `store_virtual_keys` on AWS Secrets Manager: a rotated key is written to the secret named for
// it (PutSecretValue, or CreateSecret the first time), as LiteLLM's AWS secret manager writes it: the
// raw key as the secret's string. The SDK is imported on the first write: only the admin function's
// rotation job writes keys.
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { KeyVault } from './key-rotation.ts';

/** `client` for tests (a fake endpoint); by default the region's Secrets Manager. */
export function secretsManagerVault(client?: SecretsManagerClient): KeyVault {
  let sdk: Promise<typeof import('@aws-sdk/client-secrets-manager')> | undefined;
  let made: SecretsManagerClient | undefined = client;
  return {
    async write(name, key) {
      sdk ??= import('@aws-sdk/client-secrets-manager');
      const { CreateSecretCommand, PutSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } = await sdk;
      made ??= new SecretsManagerClient({});
      try {
        await made.send(new PutSecretValueCommand({ SecretId: name, SecretString: key }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
        await made.send(new CreateSecretCommand({ Name: name, SecretString: key, Description: 'A Tollgate virtual key, rotated on its schedule (auto_rotate).' }));
      }
    },
  };
}
