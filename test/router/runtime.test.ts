// The real runtime's backoff wait: it waits, and a client that leaves cuts it short.
import { describe, expect, it } from 'vitest';
import { systemRuntime } from '../../shared/router/runtime.ts';
import { seededRandom } from '../helpers/router-runtime.ts';

describe('system runtime', () => {
  it('sleeps for the time asked, and stops at once when the signal aborts', async () => {
    const started = Date.now();
    await systemRuntime.sleep(30, new AbortController().signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);

    const controller = new AbortController();
    const waiting = systemRuntime.sleep(10_000, controller.signal);
    setTimeout(() => controller.abort(new Error('client gone')), 10);
    const cutShort = Date.now();
    await expect(waiting).rejects.toThrow('client gone');
    expect(Date.now() - cutShort).toBeLessThan(1000);
    await expect(systemRuntime.sleep(10, controller.signal)).rejects.toThrow('client gone');
  });
});

describe('seeded random source (tests)', () => {
  it('repeats its sequence for a seed and spreads over [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((s, v) => s + v, 0) / values.length).toBeCloseTo(0.5, 1);
  });
});
