// The models the gateway serves when some live in the table (LiteLLM's `store_model_in_db`): the config
// file's, read-only, plus the stored ones, listed again (beside a request, which does not wait) once their
// copy is older than the store's cache time. Every Lambda instance so sees a model added, changed or
// deleted through /model/* within seconds, with no redeploy; the instance that made the change at once.
import type { Deployment } from '../config/types.ts';
import type { Log } from '../core/log.ts';
import type { Route } from '../core/types.ts';
import type { ModelGroups } from './model-groups.ts';

/** Every stored model made a deployment (those that can no longer be served are left out by the source, with a warning). */
export type StoredDeployments = () => Promise<Deployment[]>;

export class ModelCatalog {
  private freshUntil = 0;
  private listing?: Promise<void>;
  /** Whether a listing has ended: until then requests wait for the first one. */
  private listed = false;

  constructor(
    private readonly groups: ModelGroups,
    private readonly stored: StoredDeployments,
    private readonly log: Log,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Starts listing the stored models when the copy is older than `ttlMs` (one listing at a time). Only
   * the first listing is waited for, so that a new instance serves the stored models from its first
   * request; after it, requests go on with the copy they find and never wait for the table.
   */
  fresh(): Promise<void> {
    if (this.now() >= this.freshUntil) {
      this.listing ??= this.list().finally(() => {
        this.listing = undefined;
      });
    }
    return this.listed ? Promise.resolve() : (this.listing ?? Promise.resolve());
  }

  /** Lists the stored models now and waits for it: after this instance changed one (a listing already under way may predate the change). */
  async reload(): Promise<void> {
    await this.listing;
    this.freshUntil = 0;
    this.fresh();
    await this.listing;
  }

  /** The route, answering with the models fresh; a public route (health probes) reads none, so it is left as it is. */
  serving(route: Route): Route {
    if (route.auth === 'public') return route;
    return {
      ...route,
      handle: async (request, ctx, params) => {
        await this.fresh();
        return route.handle(request, ctx, params);
      },
    };
  }

  private async list(): Promise<void> {
    try {
      this.groups.setStored(await this.stored());
    } catch (error) {
      // The models already known keep being served; the listing is tried again after the cache time.
      this.log.warn('Could not list the models stored with /model/new; serving the ones known before', { error: (error as Error).name });
    }
    this.listed = true;
    this.freshUntil = this.now() + this.ttlMs;
  }
}
