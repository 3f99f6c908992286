// What a kind of model call declares to have its answers cached (./response-cache.ts does the rest the
// same way for every kind): what an answer depends on, how it is kept as it passes, and how a stored
// one is replayed in the shape the request asks for (a stream too).

export interface CachedAnswers<Body, Committed> {
  /**
   * What each independently cached part of the answer depends on, hashed into its key: everything that
   * changes the answer (model group, messages, tools, sampling parameters, response format), never who
   * asks (`user`, `metadata`) or how it is delivered (`stream`). One part, or one per input (embeddings).
   */
  parts(body: Body): unknown[];
  /** The request for the parts at `missing` only, the others having been found (embeddings' inputs). Absent: all parts or none. */
  narrow?(body: Body, missing: number[]): Body;
  /**
   * `committed` as it passes on to the client, calling `complete` with the value to store for each part
   * once the answer is whole (a stream at its end: never when it is cut short or fails).
   */
  keep(committed: Committed, complete: (values: unknown[]) => void): Committed;
  /** The answer to `body` from stored values; with `fresh`, the answer to the narrowed request filling the parts at `missing`. */
  replay(values: unknown[], body: Body, fresh?: { committed: Committed; missing: number[] }): Committed;
  /** The prompt the semantic cache embeds; its other parameters must match exactly (./semantic-cache.ts). */
  prompt?(body: Body): { text: string; rest: unknown };
}
