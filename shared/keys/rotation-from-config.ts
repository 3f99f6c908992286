// The key rotation job a deployment runs (./key-rotation.ts): over the table, storing keys as the config
// says (`key_management_settings.store_virtual_keys`), publishing to the SNS topic the environment
// names (TOLLGATE_ALERT_TOPIC_ARN; in AWS the stack sets it).
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { GatewayConfig } from '../config/types.ts';
import type { Log } from '../core/log.ts';
import { lazySnsClient } from '../spend/from-config.ts';
import { Identities } from '../store/identities.ts';
import type { Store } from '../store/store.ts';
import { KeyRotation, type RotationOptions } from './key-rotation.ts';
import { secretsManagerVault } from './secrets-manager-vault.ts';
import { keysService } from './service.ts';

/** What tests replace: the Secrets Manager client (a fake endpoint), the SNS channel, the clock. */
export interface RotationOverrides {
  secretsManager?: SecretsManagerClient;
  sns?: RotationOptions['sns'];
  now?: () => number;
}

export function keyRotation(config: GatewayConfig, store: Store, log: Log, env: (name: string) => string | undefined, overrides: RotationOverrides = {}): KeyRotation {
  const topicArn = env('TOLLGATE_ALERT_TOPIC_ARN');
  const now = overrides.now ?? Date.now;
  return new KeyRotation({
    keys: keysService(store, log, now).keys,
    identities: new Identities(store),
    log,
    vault: config.storedVirtualKeys && { store: secretsManagerVault(overrides.secretsManager), prefix: config.storedVirtualKeys.prefix },
    sns: overrides.sns ?? (topicArn ? { client: lazySnsClient(), topicArn } : undefined),
    now,
  });
}
