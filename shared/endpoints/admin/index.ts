// The admin API (LiteLLM's key-management paths) as one route module.
import type { Route } from '../../core/types.ts';
import type { Store } from '../../store/store.ts';
import { auditRoutes } from './audit-log.ts';
import { customerRoutes } from './customers.ts';
import { keyRoutes } from './keys.ts';
import { teamRoutes } from './teams.ts';
import { userRoutes } from './users.ts';

export function adminRoutes(store: Store): Route[] {
  return [...keyRoutes(store), ...teamRoutes(store), ...userRoutes(store), ...customerRoutes(store), ...auditRoutes(store)];
}
