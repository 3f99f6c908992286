// The admin API (LiteLLM's key-management paths) as one route module over the keys service.
import type { Route } from '../../core/types.ts';
import type { KeysService } from '../../keys/service.ts';
import type { BudgetClock } from '../../spend/window-usage.ts';
import { auditRoutes } from './audit-log.ts';
import { budgetRoutes } from './budgets.ts';
import { customerRoutes } from './customers.ts';
import { keyRoutes } from './keys.ts';
import { organizationRoutes } from './organizations.ts';
import { tagRoutes } from './tags.ts';
import { teamRoutes } from './teams.ts';
import { userRoutes } from './users.ts';

/** `clock`: the budget periods and time that answers report budget windows in (the spend tracker's). */
export function adminRoutes(service: KeysService, clock: BudgetClock): Route[] {
  return [
    ...keyRoutes(service.keys, service.teams, clock),
    ...teamRoutes(service.teams, clock),
    ...userRoutes(service.users, clock),
    ...customerRoutes(service.customers),
    ...organizationRoutes(service.organizations),
    ...budgetRoutes(service.budgets),
    ...tagRoutes(service.tags),
    ...auditRoutes(service.audit),
  ];
}
