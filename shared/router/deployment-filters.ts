// The filters a model group's deployments pass before a strategy picks one, in LiteLLM's order: the
// context window (the pre-call check), the request's tags (tag routing), then, among the healthy
// ones, the first priority tier (`order`).
import type { Deployment } from '../config/types.ts';
import { GatewayError } from '../core/errors.ts';

/** The tag that marks the deployments untagged requests, and requests whose tags match none, go to. */
const DEFAULT_TAG = 'default';

/**
 * LiteLLM's tag routing: a request with tags goes to the deployments sharing any of them, else to
 * those tagged `default`, else it is refused; a request without tags goes to the `default` ones when
 * there are any, else to all.
 */
export function byTags(deployments: Deployment[], tags: readonly string[], model: string): Deployment[] {
  const defaults = deployments.filter((d) => (d.tags ?? []).includes(DEFAULT_TAG));
  if (!tags.length) return defaults.length ? defaults : deployments;
  const matching = deployments.filter((d) => (d.tags ?? []).some((tag) => tags.includes(tag)));
  if (matching.length) return matching;
  if (defaults.length) return defaults;
  throw new GatewayError(
    'invalid_request',
    `Not allowed to access model due to tags configuration. Passed model=${model} and tags=${JSON.stringify(tags)}. Send tags one of its deployments has: ${[...new Set(deployments.flatMap((d) => d.tags ?? []))].join(', ') || '(none are tagged)'}.`,
    { param: 'tags' },
  );
}

/** The deployments of the lowest `order` among these; all of them when none has an order (LiteLLM's priority tiers). */
export function firstTier(deployments: Deployment[]): Deployment[] {
  const orders = deployments.map((d) => d.order).filter((order) => order !== undefined);
  if (!orders.length) return deployments;
  const lowest = Math.min(...orders);
  return deployments.filter((d) => d.order === lowest);
}
