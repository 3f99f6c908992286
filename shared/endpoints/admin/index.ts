// The admin API (LiteLLM's key-management paths) as one route module over the keys service.
import type { Route } from '../../core/types.ts';
import type { KeysService } from '../../keys/service.ts';
import { auditRoutes } from './audit-log.ts';
import { customerRoutes } from './customers.ts';
import { keyRoutes } from './keys.ts';
import { teamRoutes } from './teams.ts';
import { userRoutes } from './users.ts';

export function adminRoutes(service: KeysService): Route[] {
  return [...keyRoutes(service.keys, service.teams), ...teamRoutes(service.teams), ...userRoutes(service.users), ...customerRoutes(service.customers), ...auditRoutes(service.audit)];
}
