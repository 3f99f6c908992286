// Cooldowns other gateway instances see: the router's port to wherever they are kept (the table,
// shared/store/deployment-states.ts). The router reads it before each pick and writes to it when it
// cools a deployment down; when it cannot be reached, each instance goes on with what it knows.

export interface SharedCooldowns {
  /** Until when (epoch ms) each of these deployments is cooling down; 0 or past when it is not. */
  cooldownEnds(ids: readonly string[]): Promise<Map<string, number>>;
  /** Records that deployment `id` cools down until `until` (epoch ms), unless it already does for longer. */
  coolDown(id: string, until: number, reason: string): Promise<void>;
}
