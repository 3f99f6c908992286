// The response cache, one step of the model-call pipeline for every kind of call that declares its
// answers cacheable (./cached-answers.ts): after admission (a hit still counts toward the caller's
// rate limits and is refused when its budget is spent), before routing. A hit is answered from the
// stored answer without calling a model, charged nothing (or `cache_hit_cost` of what it saved); a
// miss is stored once its answer is whole and went out without error, never before it is forwarded.
// A failing cache never fails a request: lookups count as misses and writes are dropped, with a warning.
import type { CacheSettings } from '../config/cache-settings.ts';
import type { Log } from '../core/log.ts';
import type { RequestContext } from '../core/types.ts';
import type { CallRecord } from '../pricing/call-record.ts';
import { usd } from '../pricing/usd.ts';
import type { CacheAddress, CacheEntries, CacheEntry } from '../store/cache-entries.ts';
import type { SemanticStore } from '../store/semantic-store.ts';
import type { CachedAnswers } from './cached-answers.ts';
import { cacheControls, type CacheControls } from './cache-controls.ts';
import { addressOf, cacheKeyOf, cacheScope, hashOf } from './cache-key.ts';
import { HotEntries } from './hot-entries.ts';
import type { PromptEmbedder } from './prompt-embedder.ts';

/** A prompt as the semantic cache compares it. */
interface EmbeddedPrompt {
  vector: Float32Array;
  /** The hash of its scope and of everything else the answer depends on: only prompts with the same are compared. */
  partition: string;
}

/** A kind of model call as the cache sees it. */
export interface CacheableCall<Body, Committed> {
  readonly callType: string;
  readonly cache?: CachedAnswers<Body, Committed>;
}

export class ResponseCache {
  private readonly hot: HotEntries;

  constructor(
    readonly settings: CacheSettings,
    private readonly entries: CacheEntries,
    private readonly log: Log,
    private readonly now: () => number = Date.now,
    /** With a semantic `type`: where prompts' embeddings are kept, and what makes them. */
    private readonly semantic?: { entries: SemanticStore; embedder: PromptEmbedder },
  ) {
    this.hot = new HotEntries(now);
  }

  /**
   * The answer to `body`: from the cache, or from `call` (with only the parts not found, for kinds
   * cached in parts), kept for the cache as it passes. `json` is the body as sent (its `cache` controls).
   */
  async serve<Body, Committed>(
    kind: CacheableCall<Body, Committed>,
    body: Body,
    json: Record<string, unknown>,
    headers: Record<string, string>,
    ctx: RequestContext,
    record: CallRecord,
    call: (body: Body) => Promise<Committed>,
  ): Promise<Committed> {
    const answers = kind.cache;
    if (!answers || !this.settings.callTypes.has(kind.callType)) return call(body);
    const controls = cacheControls(json['cache'], headers, ctx.identity);
    if (this.settings.defaultOff && !controls.useCache) return call(body);

    const scope = cacheScope(ctx.identity, this.settings.scope);
    const namespace = controls.namespace ?? this.settings.namespace ?? '';
    const addresses = answers.parts(body).map((part): CacheAddress => ({ namespace, hash: hashOf(scope, part) }));
    if (addresses.length === 0) return call(body);
    if (addresses.length === 1) {
      record.cacheKey = cacheKeyOf(addresses[0]!);
      ctx.responseHeaders['x-litellm-cache-key'] = record.cacheKey;
    }

    const found = controls.noCache ? addresses.map(() => undefined) : await this.lookup(addresses, controls.maxAgeSeconds, ctx);
    let missing = found.flatMap((entry, index) => (entry ? [] : [index]));
    // Not found as it was asked: a prompt like it, in the same scope with the same other parameters, may do.
    const prompt = missing.length === 1 && addresses.length === 1 && !(controls.noCache && controls.noStore) ? await this.embedPrompt(answers, body, scope, ctx) : undefined;
    if (prompt && !controls.noCache) {
      const match = await this.nearest(namespace, prompt, controls.maxAgeSeconds, ctx);
      if (match) {
        found[0] = match.entry;
        missing = [];
        record.cacheKey = cacheKeyOf({ namespace, hash: match.hash });
        ctx.responseHeaders['x-litellm-cache-key'] = record.cacheKey;
        ctx.responseHeaders['x-tollgate-cache-similarity'] = match.similarity.toFixed(4);
      }
    }
    ctx.responseHeaders['x-tollgate-cache'] = missing.length ? 'miss' : 'hit';
    ctx.logFields['cache'] = missing.length ? 'miss' : 'hit';
    if (missing.length === 0) {
      const saved = usd(found.reduce((sum, entry) => sum + entry!.cost, 0));
      record.cacheHit = { cost: { provider: 0, charged: usd(saved * this.settings.hitCostFraction) }, saved };
      // A copy: post-call guardrails may rewrite the answer, never the entry other requests read.
      return answers.replay(
        found.map((entry) => structuredClone(entry!.value)),
        body,
      );
    }

    const whole = missing.length === addresses.length;
    let fresh: Committed = await call(whole ? body : answers.narrow!(body, missing));
    if (!controls.noStore)
      fresh = answers.keep(
        fresh,
        this.storeOnSuccess(
          ctx,
          record,
          controls,
          missing.map((index) => addresses[index]!),
          prompt,
        ),
      );
    return whole
      ? fresh
      : answers.replay(
          found.map((entry) => entry && structuredClone(entry.value)),
          body,
          { committed: fresh, missing },
        );
  }

  /** Checks DynamoDB can be read (/cache/ping). */
  async ping(): Promise<void> {
    await this.entries.get([{ namespace: '', hash: '0'.repeat(64) }], this.now());
  }

  /** Deletes the entries named by keys clients were given (`x-litellm-cache-key`), semantic ones too; keys of no entry are ignored. */
  async delete(keys: string[]): Promise<void> {
    const addresses = keys.map(addressOf).filter((address) => address !== undefined);
    for (const address of addresses) this.hot.delete(cacheKeyOf(address));
    await Promise.all([this.entries.delete(addresses), this.semantic?.entries.delete(addresses)]);
  }

  /** Deletes every entry of a namespace (the config's when none is named), semantic ones too; returns how many. */
  async flush(namespace = this.settings.namespace ?? ''): Promise<number> {
    this.hot.deleteWhere((key) => addressOf(key)?.namespace === namespace);
    return (await this.entries.flush(namespace)) + ((await this.semantic?.entries.flush(namespace)) ?? 0);
  }

  /** The entries at `addresses` at most `maxAgeSeconds` old: from memory, else from the table (in one call). */
  private async lookup(addresses: CacheAddress[], maxAgeSeconds: number | undefined, ctx: RequestContext): Promise<Array<CacheEntry | undefined>> {
    const found = addresses.map((address) => this.hot.get(cacheKeyOf(address)));
    const unread = addresses.filter((_, index) => !found[index]);
    if (unread.length) {
      let read: Array<CacheEntry | undefined>;
      try {
        read = await this.entries.get(unread, this.now());
      } catch (error) {
        this.log.warn('response cache lookup failed; answering as a miss', { requestId: ctx.requestId, error: describe(error) });
        read = [];
      }
      let next = 0;
      for (const [index, entry] of found.entries()) {
        if (entry) continue;
        const fromTable = read[next++];
        if (fromTable) this.hot.set(cacheKeyOf(addresses[index]!), fromTable);
        found[index] = fromTable;
      }
    }
    const oldest = maxAgeSeconds === undefined ? undefined : this.now() - maxAgeSeconds * 1000;
    return found.map((entry) => (entry && (oldest === undefined || entry.createdMs >= oldest) ? entry : undefined));
  }

  /** The prompt's embedding and the partition of prompts it is compared with; undefined without a semantic cache or when the embedding fails. */
  private async embedPrompt<Body>(answers: CachedAnswers<Body, unknown>, body: Body, scope: string, ctx: RequestContext): Promise<EmbeddedPrompt | undefined> {
    const prompt = this.semantic && answers.prompt?.(body);
    if (!prompt || !this.semantic) return undefined;
    try {
      return { vector: await this.semantic.embedder.embed(prompt.text, ctx), partition: hashOf(scope, [this.semantic.embedder.model, prompt.rest]) };
    } catch (error) {
      this.log.warn('semantic cache: the prompt could not be embedded; exact cache only', { requestId: ctx.requestId, error: describe(error) });
      return undefined;
    }
  }

  private async nearest(namespace: string, prompt: EmbeddedPrompt, maxAgeSeconds: number | undefined, ctx: RequestContext) {
    try {
      const match = await this.semantic!.entries.nearest(namespace, prompt.partition, prompt.vector, this.settings.semantic!.threshold, this.now());
      if (match && maxAgeSeconds !== undefined && this.now() - match.entry.createdMs > maxAgeSeconds * 1000) return undefined;
      return match;
    } catch (error) {
      this.log.warn('semantic cache lookup failed; answering as a miss', { requestId: ctx.requestId, error: describe(error) });
      return undefined;
    }
  }

  /**
   * What `keep` calls once the answer is whole: the values are stored after the response, if it went
   * out without error (a stream failed after its first byte, or a withheld answer, is not stored).
   */
  private storeOnSuccess(ctx: RequestContext, record: CallRecord, controls: CacheControls, addresses: CacheAddress[], prompt?: EmbeddedPrompt): (values: unknown[]) => void {
    let complete: unknown[] | undefined;
    ctx.onFinish(async () => {
      // An answer with fewer parts than asked for (an upstream that dropped an input) is not stored.
      if (complete?.length !== addresses.length || ctx.error || (ctx.status ?? 200) >= 400 || ctx.signal.aborted) return;
      const now = this.now();
      const expiresMs = now + (controls.ttlSeconds ?? this.settings.ttlSeconds) * 1000;
      // What each part cost, for the savings its hits report.
      const cost = usd((record.cost?.charged ?? 0) / addresses.length);
      const entries = addresses.map((address, index) => ({ address, entry: { value: complete![index], createdMs: now, expiresMs, cost } }));
      try {
        const stored = await this.entries.put(entries);
        for (const [index, { address, entry }] of entries.entries()) if (stored[index]) this.hot.set(cacheKeyOf(address), entry);
        if (stored.includes(false)) this.log.info('answer too large for the response cache; not stored', { requestId: ctx.requestId });
        // The vector points at the exact entry (S3 Vectors keeps no answer): none without it.
        if (prompt && this.semantic && stored[0]) await this.semantic.entries.put(entries[0]!.address.namespace, prompt.partition, entries[0]!.address.hash, prompt.vector, entries[0]!.entry);
      } catch (error) {
        this.log.warn('response cache write failed; answer not stored', { requestId: ctx.requestId, error: describe(error) });
      }
    });
    return (values) => {
      // What the model answered, as it was then: post-call guardrails may yet rewrite the answer sent.
      complete = structuredClone(values);
    };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
