// The admin API (LiteLLM's key-management paths) as one route module.
import type { Route } from '../../core/types.ts';
import type { Services } from '../../services.ts';
import { auditRoutes } from './audit-log.ts';
import { customerRoutes } from './customers.ts';
import { keyRoutes } from './keys.ts';
import { teamRoutes } from './teams.ts';
import { userRoutes } from './users.ts';

export function adminRoutes(services: Services): Route[] {
  return [...keyRoutes(services), ...teamRoutes(services), ...userRoutes(services), ...customerRoutes(services), ...auditRoutes(services)];
}
