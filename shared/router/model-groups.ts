// Deployments grouped by the public model name (LiteLLM's model groups), and which group a requested
// name lands on, in LiteLLM's order: a `router_settings.model_group_alias` first, then an exact
// `model_name`, then the wildcard deployments (`model_name: "openai/*"`, `"*"`, `"anthropic/claude-*"`),
// most specific pattern first (shared/config/wildcard-pattern.ts). A wildcard match is the deployment with each `*`
// of its `litellm_params.model` replaced by what the request's name put in the pattern's `*`s; a
// `model: "*"` deployment takes the provider the name names (./provider-inference.ts).
import { ANY_PROVIDER, type Deployment, type ModelGroupAlias } from '../config/types.ts';
import { GatewayError } from '../core/errors.ts';
import { nameList } from '../core/name-list.ts';
import { WildcardPattern } from '../config/wildcard-pattern.ts';
import { providerNotProvided, type ProviderInference } from './provider-inference.ts';

/** The upstream model ids a provider is known to serve (the price table's), for listing wildcard groups. */
export type KnownModels = (provider: string) => readonly string[];

interface PatternGroup {
  pattern: WildcardPattern;
  deployments: Deployment[];
}

export class ModelGroups {
  private groups = new Map<string, Deployment[]>();
  private patterns: PatternGroup[] = [];
  /** `listed()`, made once per set of deployments: the known models do not change while the gateway runs. */
  private listing?: Deployment[];

  constructor(
    private readonly configured: Deployment[],
    private readonly aliases: ReadonlyMap<string, ModelGroupAlias> = new Map(),
    private readonly knownModels: KnownModels = () => [],
    private readonly inferProvider: ProviderInference = () => undefined,
  ) {
    this.index(configured);
  }

  /** Serves the config file's deployments and these (the models stored with /model/new), in place of the stored ones before. */
  setStored(stored: Deployment[]): void {
    this.index([...this.configured, ...stored]);
  }

  private index(deployments: Deployment[]): void {
    this.groups = new Map();
    this.patterns = [];
    this.listing = undefined;
    const byPattern = new Map<string, Deployment[]>();
    for (const deployment of deployments) {
      const target = WildcardPattern.isPattern(deployment.modelName) ? byPattern : this.groups;
      const group = target.get(deployment.modelName) ?? [];
      group.push(deployment);
      target.set(deployment.modelName, group);
    }
    for (const [name, group] of byPattern) this.patterns.push({ pattern: new WildcardPattern(name), deployments: group });
    this.patterns.sort((a, b) => WildcardPattern.bySpecificity(a.pattern, b.pattern));
  }

  /**
   * The names a caller may send and see listed: every exact `model_name`, every alias not marked
   * `hidden`, and each wildcard group's names for the models its provider is known to serve.
   */
  names(): string[] {
    const names = new Set(this.groups.keys());
    for (const [alias, { hidden }] of this.aliases) if (!hidden && this.has(alias)) names.add(alias);
    for (const deployment of this.listed()) names.add(deployment.modelName);
    return [...names];
  }

  /**
   * Every deployment as the model lists show it: each exact one, and each wildcard deployment once
   * per name it serves among its provider's known models, made concrete for that name. A name is
   * listed where a request for it goes: not under a pattern when an exact `model_name` or an earlier
   * (more specific) pattern takes it.
   */
  listed(): Deployment[] {
    if (this.listing) return this.listing;
    const listed = [...this.groups.values()].flat();
    const taken = new Set(this.groups.keys());
    for (const { pattern, deployments } of this.patterns) {
      const names = deployments.map((deployment) => ({ deployment, names: this.expand(pattern, deployment).filter((name) => !taken.has(name)) }));
      for (const { deployment, names: served } of names)
        for (const name of served) listed.push(...(deployment.provider === ANY_PROVIDER ? this.inferred(deployment, name) : [concrete(deployment, name, pattern.match(name)!)]));
      for (const { names: served } of names) for (const name of served) taken.add(name);
    }
    this.listing = listed;
    return listed;
  }

  has(model: string): boolean {
    return this.resolve(model) !== undefined;
  }

  deploymentsOf(model: string): Deployment[] {
    const group = this.resolve(model);
    if (!group) {
      throw new GatewayError('unknown_model', `Unknown model "${model}". This gateway serves: ${nameList(this.names(), '(no models configured)')}.`, { param: 'model' });
    }
    // Only a `model: "*"` group comes out empty: no provider could be told from the name.
    if (!group.length) throw providerNotProvided(model);
    return group;
  }

  /** `model_info.access_groups` of the deployments a request for `model` lands on. */
  accessGroupsOf(model: string): Set<string> {
    const groups = new Set<string>();
    for (const deployment of this.resolve(model) ?? []) {
      const listed = deployment.modelInfo['access_groups'];
      if (Array.isArray(listed)) for (const group of listed) if (typeof group === 'string') groups.add(group);
    }
    return groups;
  }

  private resolve(model: string): Deployment[] | undefined {
    const name = this.aliases.get(model)?.model ?? model;
    const exact = this.groups.get(name);
    if (exact) return exact;
    for (const { pattern, deployments } of this.patterns) {
      const segments = pattern.match(name);
      if (segments) return deployments.flatMap((deployment) => (deployment.provider === ANY_PROVIDER ? this.inferred(deployment, name) : [concrete(deployment, name, segments)]));
    }
    return undefined;
  }

  /** A `model: "*"` deployment made concrete for the provider `name` names, with that provider's key; none when it names none. */
  private inferred(deployment: Deployment, name: string): Deployment[] {
    const found = this.inferProvider(name);
    if (!found) return [];
    const { provider, model } = found;
    return [{ ...deployment, modelName: name, provider, upstreamModel: model, apiKey: deployment.apiKeyOf?.(provider), params: { ...deployment.params, model: `${provider}/${model}` } }];
  }

  /** The public names a wildcard deployment serves among its provider's known models. */
  private expand(pattern: WildcardPattern, deployment: Deployment): string[] {
    const upstream = new WildcardPattern(deployment.upstreamModel);
    const names: string[] = [];
    for (const model of this.knownModels(deployment.provider)) {
      const segments = upstream.matchWhole(model);
      if (segments && segments.length === pattern.wildcards) names.push(pattern.fill(segments));
    }
    return names;
  }
}

/** A wildcard deployment made concrete for the name asked: same id (its cooldowns and stats are shared, as in LiteLLM), its upstream model filled in. */
function concrete(deployment: Deployment, name: string, segments: string[]): Deployment {
  const upstream = new WildcardPattern(deployment.upstreamModel);
  // More segments than the model has `*`s: the name is sent as it was asked (LiteLLM's rule).
  const upstreamModel = segments.length > upstream.wildcards ? name : upstream.fill(segments);
  return { ...deployment, modelName: name, upstreamModel, params: { ...deployment.params, model: `${deployment.provider}/${upstreamModel}` } };
}
