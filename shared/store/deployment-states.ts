// Router state shared by every gateway instance on the table: one small item per deployment,
// `DEPLOYMENT#<model_info.id>`, holding until when it is cooling down. Written only when an instance
// cools a deployment down (and only to lengthen the stored cooldown), read through a cache of about a
// second, so a deployment one Lambda instance found failing is skipped by all of them within a second,
// for a read per deployment per instance per second at most. Shared cooldowns only help routing: a
// table that is slow or down never holds a request back longer than a second, and the router goes on
// with what its instance knows (the read or write carries on, and a read lands in the cache).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SharedCooldowns } from '../router/shared-cooldowns.ts';
import type { Store } from './store.ts';
import { itemKeys } from './table.ts';

/** How long a read of a deployment's state is reused. */
export const DEPLOYMENT_STATE_CACHE_MS = 1_000;
/** The longest a request waits for a read or a write of deployment state. */
export const DEPLOYMENT_STATE_WAIT_MS = 1_000;

export class DeploymentStates implements SharedCooldowns {
  private readonly cache = new Map<string, { until: number; readAt: number }>();
  private readonly reading = new Map<string, Promise<number>>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  async cooldownEnds(ids: readonly string[]): Promise<Map<string, number>> {
    const ends = await Promise.all(ids.map((id) => this.cooldownEnd(id)));
    return new Map(ids.map((id, i) => [id, ends[i]!]));
  }

  async coolDown(id: string, until: number, reason: string): Promise<void> {
    const remembered = this.cache.get(id);
    if (remembered && remembered.until >= until) return;
    this.cache.set(id, { until, readAt: this.now() });
    await within(this.write(id, until, reason), DEPLOYMENT_STATE_WAIT_MS, undefined);
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

  private cooldownEnd(id: string): Promise<number> {
    const cached = this.cache.get(id);
    if (cached && this.now() - cached.readAt < DEPLOYMENT_STATE_CACHE_MS) return Promise.resolve(cached.until);
    let reading = this.reading.get(id);
    if (!reading) {
      reading = this.read(id).finally(() => this.reading.delete(id));
      this.reading.set(id, reading);
    }
    return within(reading, DEPLOYMENT_STATE_WAIT_MS, cached?.until ?? 0);
  }

  private async read(id: string): Promise<number> {
    const { Item } = await this.store.client.send(new GetCommand({ TableName: this.store.table, Key: itemKeys.deployment(id) }));
    const until = typeof Item?.['cooldown_until'] === 'number' ? Item['cooldown_until'] : 0;
    this.cache.set(id, { until, readAt: this.now() });
    return until;
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
