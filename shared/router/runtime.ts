// What the router needs from the outside world: the time, randomness and a way to wait. Injected so
// tests run with a manual clock, a seeded random source and backoff waits that take no time.

export interface RouterRuntime {
  /** Epoch milliseconds. */
  now(): number;
  /** Uniform in [0, 1). */
  random(): number;
  /** Waits `ms`, or rejects as soon as `signal` aborts (the client left). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemRuntime: RouterRuntime = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    }),
};
