// The semantic cache's prompts in an Amazon S3 Vectors index (README "Semantic cache"), the store the
// AWS stack uses when it names a vector bucket: one vector per cached answer, its key the exact entry's
// hash and namespace, its filterable metadata the partition (scope, namespace and the request's other
// parameters, hashed), the namespace and when it expires. A lookup is one QueryVectors (the nearest
// vector of the same partition that has not expired, by cosine distance) and one read of the exact
// entry, which holds the answer: the index keeps no answers. Spoken over S3 Vectors' REST API
// (POST /QueryVectors, /PutVectors, /DeleteVectors, /ListVectors, JSON both ways), signed with SigV4
// for the service `s3vectors` by the SDK's signer with the credentials the table's client resolves:
// the AWS SDK release pinned here has no S3 Vectors client.
import { type AwsCredentials, sigV4Headers } from '../http/sigv4.ts';
import { callUpstream, readText, type UpstreamRequest } from '../http/upstream.ts';
import { GatewayError } from '../core/errors.ts';
import type { CacheAddress, CacheEntries, CacheEntry } from './cache-entries.ts';
import type { SemanticMatch, SemanticStore } from './semantic-store.ts';

/** A vector index: the bucket and index the stack made, in its region. */
export interface VectorIndex {
  bucket: string;
  index: string;
  region: string;
  /** Another address than AWS's (tests: a fake on 127.0.0.1). */
  endpoint?: string;
}

/** The index the environment names (TOLLGATE_VECTOR_BUCKET, TOLLGATE_VECTOR_INDEX, set by the stack), if any. */
export function vectorIndexFromEnv(env: (name: string) => string | undefined): VectorIndex | undefined {
  const bucket = env('TOLLGATE_VECTOR_BUCKET');
  if (!bucket) return undefined;
  return { bucket, index: env('TOLLGATE_VECTOR_INDEX') || 'semantic-cache', region: env('AWS_REGION') || 'us-east-1', endpoint: env('TOLLGATE_S3VECTORS_ENDPOINT') || undefined };
}

/** The most keys one DeleteVectors takes, and vectors one ListVectors page returns (the API's limits). */
const DELETE_BATCH = 500;
const LIST_PAGE = 1000;
/** Every call is small (one vector, one page of keys): bounded in time and size. */
const TIMEOUT_MS = 5000;
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;
const HASH_LENGTH = 64;

interface Metadata {
  partition: string;
  namespace: string;
  expires_ms: number;
}

export class S3VectorEntries implements SemanticStore {
  constructor(
    private readonly target: VectorIndex,
    /** The exact entries: the answer a vector's key names. */
    private readonly exact: CacheEntries,
    private readonly credentials: () => Promise<AwsCredentials>,
  ) {}

  async nearest(namespace: string, partition: string, vector: Float32Array, threshold: number, now: number): Promise<SemanticMatch | undefined> {
    const { vectors } = (await this.call('QueryVectors', {
      topK: 1,
      queryVector: { float32: Array.from(vector) },
      filter: { $and: [{ partition: { $eq: partition } }, { namespace: { $eq: namespace } }, { expires_ms: { $gt: now } }] },
      returnDistance: true,
    })) as { vectors?: Array<{ key: string; distance?: number }> };
    const best = vectors?.[0];
    // Cosine distance is 1 less the cosine similarity.
    const similarity = best?.distance === undefined ? undefined : 1 - best.distance;
    if (!best || similarity === undefined || similarity < threshold) return undefined;
    const hash = best.key.slice(0, HASH_LENGTH);
    const [entry] = await this.exact.get([{ namespace, hash }], now);
    return entry && { hash, similarity, entry };
  }

  async put(namespace: string, partition: string, hash: string, vector: Float32Array, entry: CacheEntry): Promise<boolean> {
    const metadata: Metadata = { partition, namespace, expires_ms: entry.expiresMs };
    await this.call('PutVectors', { vectors: [{ key: vectorKey({ namespace, hash }), data: { float32: Array.from(vector) }, metadata }] });
    return true;
  }

  async delete(addresses: CacheAddress[]): Promise<void> {
    await this.deleteKeys(addresses.map(vectorKey));
  }

  /** Lists the whole index (ListVectors takes no filter) and deletes the namespace's vectors. */
  async flush(namespace: string): Promise<number> {
    const keys: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = (await this.call('ListVectors', { maxResults: LIST_PAGE, returnMetadata: true, ...(nextToken && { nextToken }) })) as {
        vectors?: Array<{ key: string; metadata?: Partial<Metadata> }>;
        nextToken?: string;
      };
      for (const { key, metadata } of page.vectors ?? []) if (metadata?.namespace === namespace) keys.push(key);
      nextToken = page.nextToken;
    } while (nextToken);
    await this.deleteKeys(keys);
    return keys.length;
  }

  private async deleteKeys(keys: string[]): Promise<void> {
    for (let at = 0; at < keys.length; at += DELETE_BATCH) await this.call('DeleteVectors', { keys: keys.slice(at, at + DELETE_BATCH) });
  }

  /** One operation on the index: its JSON answer (`{}` for an empty one). */
  private async call(operation: string, fields: Record<string, unknown>): Promise<Record<string, unknown>> {
    const url = `${this.target.endpoint ?? `https://s3vectors.${this.target.region}.api.aws`}/${operation}`;
    const body = JSON.stringify({ vectorBucketName: this.target.bucket, indexName: this.target.index, ...fields });
    const upstream: UpstreamRequest = {
      url,
      headers: await sigV4Headers(url, body, { 'content-type': 'application/json' }, { service: 's3vectors', region: this.target.region, credentials: await this.credentials() }),
      body,
      signal: new AbortController().signal,
      timeoutMs: TIMEOUT_MS,
      stream: false,
      maxResponseBytes: MAX_ANSWER_BYTES,
      provider: 's3vectors',
    };
    const response = await callUpstream(upstream, (status, text) => new GatewayError('upstream_error', `S3 Vectors ${operation} answered ${status}: ${errorMessage(text)}`));
    const text = await readText(response, upstream);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }
}

/** A vector's key: the exact entry's hash (always 64 hex digits, so the key reads back) and its namespace. */
function vectorKey({ namespace, hash }: CacheAddress): string {
  return `${hash}/${namespace}`;
}

/** The message of an AWS JSON error body, or its start. */
function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; Message?: unknown };
    const message = body.message ?? body.Message;
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON: its start says enough.
  }
  return text.slice(0, 200);
}
