// Which models a caller may use: the check the model-call pipeline makes for the model asked for and
// every fallback the request names, before any upstream call, and the filter the model lists apply.
// Order (after the key, team and user checks of authentication): blocked end user → 401; unknown
// model → 400 naming only the models the caller may use; a model outside the key's, its team's, its
// organization's or its user's `models` → 401. A `models` list names models, wildcard patterns
// (`openai/*`) and access groups (`model_info.access_groups`), as LiteLLM's do; a name in the team's
// `model_aliases` passes the key and team checks. Then the team's `model_aliases` and the key's
// `aliases` say which model group the request goes to.
import { WildcardPattern } from '../config/wildcard-pattern.ts';
import { GatewayError } from '../core/errors.ts';
import { nameList } from '../core/name-list.ts';
import type { Identity } from '../core/types.ts';
import type { CustomerRecord, TagRecord } from '../store/records.ts';
import type { Identities } from '../store/identities.ts';
import { withBudgetTable } from './budget-tables.ts';
import { virtualKeyOf } from './identity.ts';

/** LiteLLM's names for "no restriction" in a `models` list. */
const ALL_MODELS = new Set(['all-proxy-models', '*']);

/** The model names the gateway serves. */
export interface ServedModels {
  has(model: string): boolean;
  names(): string[];
  /** The access groups (`model_info.access_groups`) of the deployments a request for `model` lands on. */
  accessGroupsOf(model: string): ReadonlySet<string>;
}

/** Whether a `models` list (a key's, a team's or a user's) lets its holder call `model`, which is in `accessGroups`. */
export function permits(models: readonly string[] | undefined, model: string, accessGroups: ReadonlySet<string> = new Set()): boolean {
  if (!models || models.length === 0 || models.includes(model)) return true;
  return models.some((m) => ALL_MODELS.has(m) || accessGroups.has(m) || (WildcardPattern.isPattern(m) && new WildcardPattern(m).matchWhole(model) !== undefined));
}

type Aliases = Record<string, unknown> | undefined;

/** `aliases` (a key's) or `model_aliases` (a team's), as stored: only string values name a model. */
function aliasOf(aliases: unknown, model: string): string | undefined {
  const target = aliases && typeof aliases === 'object' ? (aliases as Aliases)?.[model] : undefined;
  return typeof target === 'string' ? target : undefined;
}

export class ModelAccess {
  /** `identities`: the end users' records and their budgets; without them, end users are not checked. */
  constructor(
    private readonly served: ServedModels,
    private readonly identities?: Identities,
  ) {}

  /** The end user's record (with its reusable budget), read once per request: blocked or not here, budgets in spend. */
  async customer(endUser: string | undefined): Promise<CustomerRecord | undefined> {
    if (!endUser || !this.identities) return undefined;
    const customer = await this.identities.customers.cached(endUser);
    return customer && withBudgetTable(customer, this.identities.budgets);
  }

  /** The items (with their reusable budgets) of the request's tags that have one: the tags it is charged to. */
  async tagRecords(tags: string[]): Promise<TagRecord[]> {
    const identities = this.identities;
    if (!tags.length || !identities) return [];
    const records = await Promise.all(tags.map(async (tag) => (await identities.tags.cached(tag)) ?? undefined));
    return Promise.all(records.filter((record) => record !== undefined).map((record) => withBudgetTable(record, identities.budgets)));
  }

  /** A blocked end user (POST /customer/block) is refused whichever key they come with. */
  checkEndUser(customer: CustomerRecord | undefined): void {
    if (customer?.blocked) {
      throw new GatewayError('blocked', `End user "${customer.user_id}" is blocked. An admin can unblock them with POST /customer/unblock.`, { param: 'user' });
    }
  }

  /** The model group a request for `model` goes to: the team's `model_aliases` first, then the key's `aliases` (LiteLLM's order). */
  routedModel(identity: Identity | undefined, model: string): string {
    const key = virtualKeyOf(identity);
    if (!key) return model;
    const afterTeam = aliasOf(key.team?.['model_aliases'], model) ?? model;
    return aliasOf(key.key['aliases'], afterTeam) ?? afterTeam;
  }

  /** Throws unless the caller may call `model`. */
  authorize(identity: Identity | undefined, model: string): void {
    const key = virtualKeyOf(identity);
    // The master key (or an open gateway) may call anything; an unknown model gets the router's error.
    if (!key) return;
    if (!this.served.has(this.routedModel(key, model))) {
      const allowed = this.allowed(key);
      throw new GatewayError('unknown_model', `Unknown model "${model}". This key may call: ${nameList(allowed, '(no models)')}.`, { param: 'model' });
    }
    const groups = this.served.accessGroupsOf(model);
    const teamAlias = aliasOf(key.team?.['model_aliases'], model) !== undefined;
    if (!teamAlias && !permits(key.models, model, groups)) {
      throw new GatewayError('key_model_access_denied', `key not allowed to access model. This key can only access models=${JSON.stringify(key.models)}. Tried to access ${model}.`, {
        param: 'model',
      });
    }
    if (!teamAlias && !permits(key.team?.models, model, groups)) {
      throw new GatewayError('team_model_access_denied', `team not allowed to access model. This team can only access models=${JSON.stringify(key.team!.models)}. Tried to access ${model}.`, {
        param: 'model',
      });
    }
    if (!permits(key.organization?.models, model, groups)) {
      const organization = key.organization!;
      throw new GatewayError(
        'org_model_access_denied',
        `organization not allowed to access model. Organization ${organization.organization_id} can only access models=${JSON.stringify(organization.models)}. Tried to access ${model}.`,
        { param: 'model' },
      );
    }
    if (!permits(key.user?.models, model, groups)) {
      throw new GatewayError(
        'user_model_access_denied',
        `user not allowed to access model. User ${key.user!.user_id} can only access models=${JSON.stringify(key.user!.models)}. Tried to access ${model}.`,
        { param: 'model' },
      );
    }
  }

  /** The access groups (`model_info.access_groups`) of the models this caller may call: `/models?only_model_access_groups=true`. */
  allowedAccessGroups(identity: Identity | undefined): string[] {
    return [...new Set(this.allowed(identity).flatMap((name) => [...this.served.accessGroupsOf(name)]))];
  }

  /** The models this caller may call, for the model lists. */
  allowed(identity: Identity | undefined): string[] {
    const names = this.served.names();
    const key = virtualKeyOf(identity);
    if (!key) return names;
    return names.filter((name) => {
      const groups = this.served.accessGroupsOf(name);
      return permits(key.models, name, groups) && permits(key.team?.models, name, groups) && permits(key.organization?.models, name, groups) && permits(key.user?.models, name, groups);
    });
  }
}
