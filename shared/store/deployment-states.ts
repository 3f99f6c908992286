// Router state shared by every gateway instance on the table: one small item per deployment,
// `DEPLOYMENT#<model_info.id>`, holding until when it is cooling down and the last health check's
// result. A cooldown is written only when an instance cools a deployment down (and only to lengthen
// the stored one), a health result each time a check runs (the scheduled check, GET /health); both
// are read through a cache of about a second, so a deployment one Lambda instance found failing is
// skipped by all of them within a second, for a read per deployment per instance per second at most.
// Shared state only helps routing: a table that is slow or down never holds a request back longer
// than a second, and the router goes on with what its instance knows (the read or write carries on,
// and a read lands in the cache).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { HealthCheckResult, HealthRecords } from '../router/deployment-health.ts';
import type { SharedCooldowns } from '../router/shared-cooldowns.ts';
import type { Store } from './store.ts';
import { itemKeys } from './table.ts';

/** How long a read of a deployment's state is reused. */
export const DEPLOYMENT_STATE_CACHE_MS = 1_000;
/** The longest a request waits for a read or a write of deployment state. */
export const DEPLOYMENT_STATE_WAIT_MS = 1_000;

/** A deployment's item as read: its cooldown's end (0 when none) and its last health check, if any. */
interface DeploymentState {
  until: number;
  health?: HealthCheckResult;
}

export class DeploymentStates implements SharedCooldowns, HealthRecords {
  private readonly cache = new Map<string, DeploymentState & { readAt: number }>();
  private readonly reading = new Map<string, Promise<DeploymentState>>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  async cooldownEnds(ids: readonly string[]): Promise<Map<string, number>> {
    const states = await Promise.all(ids.map((id) => this.stateOf(id)));
    return new Map(ids.map((id, i) => [id, states[i]!.until]));
  }

  async healthOf(ids: readonly string[]): Promise<Map<string, HealthCheckResult>> {
    const states = await Promise.all(ids.map((id) => this.stateOf(id)));
    return new Map(ids.flatMap((id, i) => (states[i]!.health ? [[id, states[i]!.health] as const] : [])));
  }

  async coolDown(id: string, until: number, reason: string): Promise<void> {
    const remembered = this.cache.get(id);
    if (remembered && remembered.until >= until) return;
    this.cache.set(id, { until, health: remembered?.health, readAt: this.now() });
    await within(this.write(id, until, reason), DEPLOYMENT_STATE_WAIT_MS, undefined);
  }

  /** Unconditional: the latest check is the one that counts, whoever ran it. */
  async recordHealth(id: string, result: HealthCheckResult): Promise<void> {
    const remembered = this.cache.get(id);
    if (remembered) this.cache.set(id, { ...remembered, health: result });
    await this.store.client.send(
      new UpdateCommand({
        TableName: this.store.table,
        Key: itemKeys.deployment(id),
        UpdateExpression: 'SET #healthy = :healthy, #checked = :checked, #error = :error, #ttl = :ttl',
        ExpressionAttributeNames: { '#healthy': 'health_healthy', '#checked': 'health_checked_at', '#error': 'health_error', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':healthy': result.healthy, ':checked': result.checkedAt, ':error': result.error ?? null, ':ttl': Math.ceil(result.checkedAt / 1000) + 86_400 },
      }),
    );
  }

  private async write(id: string, until: number, reason: string): Promise<void> {
    try {
      await this.store.client.send(
        new UpdateCommand({
          TableName: this.store.table,
          Key: itemKeys.deployment(id),
          UpdateExpression: 'SET #until = :until, #reason = :reason, #ttl = :ttl',
          // Another instance may already have it cooling down for longer: keep the longer one.
          ConditionExpression: 'attribute_not_exists(#until) OR #until < :until',
          ExpressionAttributeNames: { '#until': 'cooldown_until', '#reason': 'cooldown_reason', '#ttl': 'ttl' },
          // The item goes once the cooldown has long passed; nothing reads it after that.
          ExpressionAttributeValues: { ':until': until, ':reason': reason, ':ttl': Math.ceil(until / 1000) + 86_400 },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      this.cache.delete(id);
    }
  }

  private stateOf(id: string): Promise<DeploymentState> {
    const cached = this.cache.get(id);
    if (cached && this.now() - cached.readAt < DEPLOYMENT_STATE_CACHE_MS) return Promise.resolve(cached);
    let reading = this.reading.get(id);
    if (!reading) {
      reading = this.read(id).finally(() => this.reading.delete(id));
      this.reading.set(id, reading);
    }
    return within(reading, DEPLOYMENT_STATE_WAIT_MS, cached ?? { until: 0 });
  }

  private async read(id: string): Promise<DeploymentState> {
    const { Item } = await this.store.client.send(new GetCommand({ TableName: this.store.table, Key: itemKeys.deployment(id) }));
    const until = typeof Item?.['cooldown_until'] === 'number' ? Item['cooldown_until'] : 0;
    const checkedAt = Item?.['health_checked_at'];
    const error = Item?.['health_error'];
    const health = typeof checkedAt === 'number' ? { healthy: Item?.['health_healthy'] === true, checkedAt, ...(typeof error === 'string' ? { error } : {}) } : undefined;
    const state = { until, health };
    this.cache.set(id, { ...state, readAt: this.now() });
    return state;
  }
}

/** `promise`, or `otherwise` once `ms` have passed without it settling. */
function within<T>(promise: Promise<T>, ms: number, otherwise: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(otherwise), ms);
    timer.unref();
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
