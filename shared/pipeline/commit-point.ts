// The commit point of an attempt: for a stream, its first event. Until it arrives a failure can still
// be retried on another deployment; after it, the answer belongs to this one and failures travel
// in-band. The time it arrived is the request's first byte.
import type { Timings } from '../core/types.ts';

/** Waits for the first item (errors before it are the attempt's), then hands back the whole stream. */
export async function afterFirstChunk<T>(chunks: AsyncIterable<T>, timings: Timings): Promise<AsyncIterable<T>> {
  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  timings.firstByte = Date.now();
  return {
    [Symbol.asyncIterator]: () => {
      let pending: IteratorResult<T> | undefined = first;
      return {
        next: async () => {
          if (pending) {
            const result = pending;
            pending = undefined;
            return result;
          }
          return iterator.next();
        },
        return: async () => {
          await iterator.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
