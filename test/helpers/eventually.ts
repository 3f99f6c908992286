// Polls `probe` until it returns a value (not undefined): for what a gateway does after the response
// (exports, hooks), which a test cannot await directly. Bounded: fails after `timeoutMs`.
import { sleep } from './recording-server.ts';

export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing arrived within ${timeoutMs} ms`);
    await sleep(20);
  }
}
