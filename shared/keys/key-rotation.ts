// LiteLLM's scheduled key rotation (`auto_rotate` with `rotation_interval`, its KeyRotationManager): every
// key whose `key_rotation_at` has come is regenerated through the keys service's own regenerate path
// (requests in flight move to the new key, docs/DATA-MODEL.md), its next rotation set; the new key is
// written to AWS Secrets Manager when the config says `store_virtual_keys` (as LiteLLM does: under
// `<prefix><key_alias>`, else `<prefix>virtual-key-<old hash>`), and its id, never the key, is published
// to SNS. In AWS a scheduled EventBridge rule invokes the admin function (functions/admin/handler.ts);
// `npm start` runs it on an interval (local/server.ts).
import type { PublishCommand } from '@aws-sdk/client-sns';
import { durationMs } from '../config/duration.ts';
import type { Log } from '../core/log.ts';
import type { Identities } from '../store/identities.ts';
import type { KeyRecord } from '../store/records.ts';
import type { Actor } from './audit-trail.ts';
import type { KeyService } from './key-service.ts';

/** Where a rotated key is kept for its owner to fetch: AWS Secrets Manager (./secrets-manager-vault.ts). */
export interface KeyVault {
  /** Sets the secret `name` to `key`, creating it if there is none. */
  write(name: string, key: string): Promise<void>;
}

/** What a rotation publishes: which key became which, never the key itself. */
export interface KeyRotated {
  event: 'key_rotated';
  /** The new key's hash (LiteLLM's `token_id`) and the one it replaced. */
  token_id: string;
  previous_token_id: string;
  key_alias: string | null;
  /** Where the new key is, when the config stores keys. */
  secret_name: string | null;
  rotated_at: string;
  next_rotation_at: string;
}

export interface RotationOptions {
  keys: KeyService;
  identities: Identities;
  log: Log;
  /** `store_virtual_keys`: the vault and the secrets' name prefix (LiteLLM's `prefix_for_stored_virtual_keys`). */
  vault?: { store: KeyVault; prefix: string };
  /** SNS in AWS: TOLLGATE_ALERT_TOPIC_ARN. */
  sns?: { client: { send(command: PublishCommand): Promise<unknown> }; topicArn: string };
  now?: () => number;
}

/** LiteLLM's name for the job in audit records. */
const ROTATION_ACTOR: Actor = { name: 'litellm-internal-jobs', token: null, requestId: 'key-rotation' };

export class KeyRotation {
  private readonly now: () => number;

  constructor(private readonly options: RotationOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Rotates every key that is due; one that fails is logged and left for the next run. */
  async rotateDue(): Promise<KeyRotated[]> {
    const now = this.now();
    const due = (await this.options.identities.keys.list()).filter((key) => isDue(key, now));
    const rotated: KeyRotated[] = [];
    for (const key of due) {
      try {
        rotated.push(await this.rotate(key, now));
      } catch (error) {
        this.options.log.error('scheduled key rotation failed; retried on the next run', { key: key.key_alias ?? key.key_name, error: String(error) });
      }
    }
    return rotated;
  }

  private async rotate(key: KeyRecord, now: number): Promise<KeyRotated> {
    const next = new Date(now + durationMs(key['rotation_interval'] as string)!).toISOString();
    const issued = await this.options.keys.regenerate(
      key.token,
      { key_rotation_at: next, last_rotation_at: new Date(now).toISOString(), rotation_count: (typeof key['rotation_count'] === 'number' ? key['rotation_count'] : 0) + 1 },
      ROTATION_ACTOR,
    );
    const { vault, sns, log } = this.options;
    const secretName = vault ? `${vault.prefix}${key.key_alias ?? `virtual-key-${key.token}`}` : null;
    if (vault && secretName) await vault.store.write(secretName, issued.key);
    const event: KeyRotated = {
      event: 'key_rotated',
      token_id: issued.token_id,
      previous_token_id: key.token,
      key_alias: key.key_alias,
      secret_name: secretName,
      rotated_at: new Date(now).toISOString(),
      next_rotation_at: next,
    };
    log.info('key rotated', { key: key.key_alias ?? key.key_name, token_id: event.token_id, secret_name: secretName });
    if (sns) {
      const { PublishCommand } = await import('@aws-sdk/client-sns');
      await sns.client.send(new PublishCommand({ TopicArn: sns.topicArn, Subject: 'Tollgate key rotated', Message: JSON.stringify(event) }));
    }
    return event;
  }
}

/** LiteLLM's rule: `auto_rotate` with a `rotation_interval`, and `key_rotation_at` passed or never set. */
function isDue(key: KeyRecord, now: number): boolean {
  if (key['auto_rotate'] !== true || typeof key['rotation_interval'] !== 'string' || durationMs(key['rotation_interval']) === undefined) return false;
  const at = key['key_rotation_at'];
  return typeof at !== 'string' || Date.parse(at) <= now;
}
