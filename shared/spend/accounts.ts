// Who a request is charged to and held to: the key, its team, its user, the organization (of its team,
// else its own), the end user (the request's `user`) and the request's tags that have an item, each
// with the limits set on its own item. A key's and a team's further limits are meters on
// the same item, so that one conditional write still checks them all: per-model limits
// (`model_max_budget`, `model_rpm_limit`, `model_tpm_limit`) and budget windows (`budget_limits`).
import type { RequestContext } from '../core/types.ts';
import { virtualKeyOf } from '../keys/identity.ts';
import type { CustomerRecord, Fields, TagRecord } from '../store/records.ts';
import { itemKeys, type ItemKey } from '../store/table.ts';
import { usd } from '../pricing/usd.ts';

export type AccountKind = 'key' | 'team' | 'user' | 'end_user' | 'organization' | 'tag';

export interface Limits {
  maxBudget?: number;
  softBudget?: number;
  budgetDuration?: string;
  rpm?: number;
  tpm?: number;
  maxParallel?: number;
}

/** One set of counters on an item: the item's own (prefix ''), or a key's for one model. */
export interface Meter {
  /** Prefix of its counter attributes; '' makes `spend` the item's LiteLLM `spend`. */
  prefix: string;
  /** How messages name it, e.g. `key my-alias` or `key my-alias, model gpt-4o`. */
  label: string;
  limits: Limits;
}

export interface Account {
  kind: AccountKind;
  /** The key's hash, team_id, user_id or end user id: never a raw key. */
  id: string;
  item: ItemKey;
  /** The item as last read (cached): its limits, and a first guess at its counters. */
  record: Fields;
  meters: Meter[];
}

/** The accounts of the caller in `ctx` calling `model`; the master key and an open gateway have none. */
/** `now`: the clock a key's temporary budget increase (`temp_budget_increase` until `temp_budget_expiry`) runs out by. */
export function accountsOf(ctx: RequestContext, model: string, customer: CustomerRecord | undefined, tags: TagRecord[], now: number): Account[] {
  const identity = virtualKeyOf(ctx.identity);
  const accounts: Account[] = [];
  if (identity) {
    const name = `key ${identity.keyAlias ?? identity.keyName}`;
    // A JWT's caller has no key item: its team, user and organization hold it.
    if (!identity.jwt)
      accounts.push({
        kind: 'key',
        id: identity.token,
        item: itemKeys.key(identity.token),
        record: identity.key,
        meters: [{ prefix: '', label: name, limits: withTemporaryIncrease(limitsOf(identity.key), identity.key, now) }, ...modelMeters(identity.key, model, name), ...windowMeters(identity.key, name)],
      });
    const team = identity.team;
    if (team) {
      const named = `team ${team.team_id}`;
      // Every member's budget within the team: their own (member_add/member_update), else the team's team_member_* settings.
      const defaults = {
        max_budget: team['team_member_budget'],
        budget_duration: team['team_member_budget_duration'],
        rpm_limit: team['team_member_rpm_limit'],
        tpm_limit: team['team_member_tpm_limit'],
      };
      const member = identity.userId ? memberMeters(team['team_memberships'], identity.userId, `${named}, member ${identity.userId}`, defaults) : [];
      accounts.push({
        ...account('team', team.team_id, itemKeys.team(team.team_id), team),
        meters: [ownMeter(team, named), ...modelMeters(team, model, named), ...windowMeters(team, named), ...member],
      });
    }
    if (identity.user) accounts.push(account('user', identity.user.user_id, itemKeys.user(identity.user.user_id), identity.user));
    const organization = identity.organization;
    if (organization) {
      const id = organization.organization_id;
      const named = `organization ${id}`;
      const member = identity.userId ? memberMeters(organization.members, identity.userId, `${named}, member ${identity.userId}`) : [];
      accounts.push({ ...account('organization', id, itemKeys.organization(id), organization), meters: [ownMeter(organization, named), ...modelMeters(organization, model, named), ...member] });
    }
  }
  if (customer) accounts.push(account('end_user', customer.user_id, itemKeys.customer(customer.user_id), customer));
  for (const tag of tags) accounts.push({ ...account('tag', tag.name, itemKeys.tag(tag.name), tag), meters: [ownMeter(tag, `tag ${tag.name}`), ...modelMeters(tag, model, `tag ${tag.name}`)] });
  return accounts;
}

function account(kind: AccountKind, id: string, item: ItemKey, record: Fields): Account {
  return { kind, id, item, record, meters: [ownMeter(record, `${kind.replace('_', ' ')} ${id}`)] };
}

/** LiteLLM's temporary raise of a key's `max_budget` (`/key/update`'s `temp_budget_increase`), until its `temp_budget_expiry`. */
function withTemporaryIncrease(limits: Limits, key: Fields, now: number): Limits {
  const increase = numberOrUndefined(key['temp_budget_increase']);
  const expiry = typeof key['temp_budget_expiry'] === 'string' ? Date.parse(key['temp_budget_expiry']) : Number.NaN;
  if (limits.maxBudget === undefined || increase === undefined || !(expiry > now)) return limits;
  return { ...limits, maxBudget: usd(limits.maxBudget + increase) };
}

function ownMeter(record: Fields, label: string): Meter {
  return { prefix: '', label, limits: limitsOf(record) };
}

function limitsOf(record: Fields): Limits {
  // Limits set on the record win over those of its budget (a reusable one, or a customer's own).
  const budget = budgetTable(record);
  const pick = (field: string) => record[field] ?? budget[field];
  return {
    maxBudget: numberOrUndefined(pick('max_budget')),
    softBudget: numberOrUndefined(pick('soft_budget')),
    budgetDuration: typeof pick('budget_duration') === 'string' ? (pick('budget_duration') as string) : undefined,
    rpm: numberOrUndefined(pick('rpm_limit')),
    tpm: numberOrUndefined(pick('tpm_limit')),
    maxParallel: numberOrUndefined(pick('max_parallel_requests')),
  };
}

/** A key's, a team's or an organization's limits for this one model, as their own meter on its item. */
function modelMeters(record: Fields, model: string, name: string): Meter[] {
  // LiteLLM takes {"gpt-4o": 5.0} and {"gpt-4o": {"budget_limit": 5.0, "time_period": "30d"}}; budgets say {"max_budget", "budget_duration"}.
  const setting = modelSetting(record, 'model_max_budget', model);
  const budget = typeof setting === 'number' ? { budget_limit: setting } : ((setting ?? {}) as Fields);
  const maxBudget = numberOrUndefined(budget['budget_limit'] ?? budget['max_budget']);
  const period = budget['time_period'] ?? budget['budget_duration'];
  const rpm = numberOrUndefined(modelSetting(record, 'model_rpm_limit', model));
  const tpm = numberOrUndefined(modelSetting(record, 'model_tpm_limit', model));
  if (maxBudget === undefined && rpm === undefined && tpm === undefined) return [];
  const limits: Limits = { maxBudget, budgetDuration: typeof period === 'string' ? period : undefined, rpm, tpm };
  return [{ prefix: `model:${model}:`, label: `${name}, model ${model}`, limits }];
}

/** The record's setting for one model in a per-model map (`model_max_budget`, ...), else its reusable budget's. */
function modelSetting(record: Fields, field: string, model: string): unknown {
  const own = ((record[field] ?? {}) as Fields)[model];
  return own ?? (((budgetTable(record)[field] ?? {}) as Fields)[model] as unknown);
}

/** The reusable budget a record was read with (shared/keys/budget-tables.ts), or a customer's own. */
function budgetTable(record: Fields): Fields {
  return (record['litellm_budget_table'] ?? {}) as Fields;
}

/**
 * A key's or a team's budget windows (`budget_limits`: $10 a day and $200 a month at once), each a meter
 * of its own on the item, named by its duration: a window whose budget changes keeps its counters.
 */
function windowMeters(record: Fields, name: string): Meter[] {
  return budgetWindows(record).map(({ budget_duration, max_budget }) => ({
    prefix: windowPrefix(budget_duration),
    label: `${name}, ${budget_duration} budget window`,
    limits: { maxBudget: max_budget, budgetDuration: budget_duration },
  }));
}

/**
 * A member's limits within a team or an organization (`litellm_budget_table` of their membership:
 * `max_budget_in_team`, `max_budget_in_organization`, ...), else `defaults` for every member, as a
 * meter on its item, for the keys of that user.
 */
function memberMeters(memberships: unknown, userId: string, label: string, defaults: Fields = {}): Meter[] {
  const membership = Array.isArray(memberships) ? (memberships as Fields[]).find((m) => m?.['user_id'] === userId) : undefined;
  const own = (membership?.['litellm_budget_table'] ?? {}) as Fields;
  const limits = limitsOf({ ...withoutNulls(defaults), ...withoutNulls(own) });
  return hasLimits(limits) ? [{ prefix: memberPrefix(userId), label, limits }] : [];
}

export function memberPrefix(userId: string): string {
  return `member:${userId}:`;
}

function withoutNulls(fields: Fields): Fields {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined));
}

export interface BudgetWindow {
  budget_duration: string;
  max_budget: number;
}

/** The record's `budget_limits`, as the admin API checked them. */
export function budgetWindows(record: Fields): BudgetWindow[] {
  const windows = record['budget_limits'];
  return Array.isArray(windows) ? (windows as BudgetWindow[]).filter((w) => typeof w?.budget_duration === 'string' && typeof w.max_budget === 'number') : [];
}

export function windowPrefix(duration: string): string {
  return `window:${duration}:`;
}

export function hasLimits(limits: Limits): boolean {
  return limits.maxBudget !== undefined || limits.rpm !== undefined || limits.tpm !== undefined || limits.maxParallel !== undefined;
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
