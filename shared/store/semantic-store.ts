// Where the semantic cache keeps prompts' embeddings, and finds the nearest: the DynamoDB partition
// scan (./semantic-entries.ts: `npm start`, small deployments) or an Amazon S3 Vectors index
// (./s3-vector-entries.ts: the AWS stack's, when it names a vector bucket). The response cache sees
// only this.
import type { CacheAddress, CacheEntry } from './cache-entries.ts';

export interface SemanticMatch {
  /** The entry's exact hash (its `x-litellm-cache-key`). */
  hash: string;
  similarity: number;
  entry: CacheEntry;
}

export interface SemanticStore {
  /** The stored answer whose prompt is most similar to `vector` among those of `partition`, if one is at least `threshold` similar and not expired. */
  nearest(namespace: string, partition: string, vector: Float32Array, threshold: number, now: number): Promise<SemanticMatch | undefined>;
  /** Stores an answer's prompt embedding (the answer too, or it is the exact entry at the same address); returns whether it did. */
  put(namespace: string, partition: string, hash: string, vector: Float32Array, entry: CacheEntry): Promise<boolean>;
  /** Deletes the semantic entries of these exact entries' addresses. */
  delete(addresses: CacheAddress[]): Promise<void>;
  /** Deletes every semantic entry of a namespace; returns how many. */
  flush(namespace: string): Promise<number>;
}
