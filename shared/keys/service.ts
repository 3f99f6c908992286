// The keys service the admin API calls: the rules for virtual keys, teams, users, customers,
// organizations and their aliases, over the identity records' repository (shared/store/identities.ts), each change
// written to the audit trail. The admin routes (shared/endpoints/admin/) parse requests and shape
// answers; what a change does is decided here.
import type { Log } from '../core/log.ts';
import { Identities } from '../store/identities.ts';
import type { Store } from '../store/store.ts';
import { AuditTrail } from './audit-trail.ts';
import { BudgetService } from './budget-service.ts';
import { CustomerService } from './customer-service.ts';
import { KeyAliases } from './key-aliases.ts';
import { KeyService } from './key-service.ts';
import { OrganizationService } from './organization-service.ts';
import { TagService } from './tag-service.ts';
import { TeamService } from './team-service.ts';
import { UserService } from './user-service.ts';

export interface KeysService {
  keys: KeyService;
  teams: TeamService;
  users: UserService;
  customers: CustomerService;
  organizations: OrganizationService;
  budgets: BudgetService;
  tags: TagService;
  audit: AuditTrail;
}

/** The keys service over the table in `store`; `now` is its clock (expiry, timestamps, stale alias claims). */
export function keysService(store: Store, log: Log, now: () => number = Date.now): KeysService {
  const identities = new Identities(store);
  const audit = new AuditTrail(identities.audit, log, now);
  const keys = new KeyService(identities, new KeyAliases(identities, now), audit, now);
  const teams = new TeamService(identities, keys, audit, now);
  return {
    keys,
    teams,
    users: new UserService(identities, keys, teams, audit, now),
    customers: new CustomerService(identities, audit, now),
    organizations: new OrganizationService(identities, audit, now),
    budgets: new BudgetService(identities, audit, now),
    tags: new TagService(identities, audit, now),
    audit,
  };
}
