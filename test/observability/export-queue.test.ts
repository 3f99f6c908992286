// An exporter's queue: bounded (drops and counts rather than grow), sent in batches, and after a failed
// send paused and logged at most once a minute. The clock is the test's own.
import { describe, expect, it } from 'vitest';
import { ExportQueue } from '../../shared/observability/export-queue.ts';
import { recordingLog } from '../helpers/gateway.ts';

function queue(send: (batch: number[]) => Promise<void>, clock = { now: 0 }) {
  const log = recordingLog();
  const q = new ExportQueue<number>({ name: 'test', send, log, maxItems: 5, maxBatch: 2, delayMs: 60_000, now: () => clock.now });
  return { q, log, clock };
}

describe('ExportQueue', () => {
  it('sends what it holds in batches when flushed', async () => {
    const sent: number[][] = [];
    const { q } = queue(async (batch) => void sent.push(batch));
    for (const item of [1, 2, 3]) q.push(item);
    await q.flush();
    expect(sent).toEqual([[1, 2], [3]]);
    expect(q.dropped).toBe(0);
  });

  it('drops and counts what does not fit, rather than grow', async () => {
    const sent: number[][] = [];
    const { q } = queue(async (batch) => void sent.push(batch));
    // Nine items before anything is sent: the queue holds five.
    for (let i = 0; i < 9; i++) q.push(i);
    expect(q.dropped).toBe(4);
    await q.flush();
    expect(sent.flat()).toEqual([0, 1, 2, 3, 4]);
  });

  it('drops what would take the queue past its bytes, and counts it', async () => {
    const sent: number[][] = [];
    const q = new ExportQueue<number>({ name: 'test', send: async (batch) => void sent.push(batch), log: recordingLog(), maxBytes: 1000, delayMs: 60_000 });
    q.push(1, 600);
    q.push(2, 600); // 1,200 bytes: too many
    q.push(3, 400);
    expect(q.dropped).toBe(1);
    await q.flush();
    q.push(4, 900); // room again once sent
    await q.flush();
    expect(sent.flat()).toEqual([1, 3, 4]);
  });

  it('pauses after a failed send, keeps items meanwhile, and logs the failure at most once a minute', async () => {
    let calls = 0;
    const { q, log, clock } = queue(async () => {
      calls++;
      throw new Error('connect ECONNREFUSED 127.0.0.1:4318');
    });
    q.push(1);
    await q.flush();
    expect(calls).toBe(1);
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(1);

    clock.now = 1_000; // paused: nothing is tried, the item waits
    q.push(2);
    await q.flush();
    expect(calls).toBe(1);

    clock.now = 6_000; // tried again, failed again: within the minute, not logged
    await q.flush();
    expect(calls).toBe(2);
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(1);

    clock.now = 70_000;
    q.push(3);
    await q.flush();
    expect(calls).toBe(3);
    const warnings = log.lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(2);
    expect(warnings[1]!.fields).toMatchObject({ error: 'connect ECONNREFUSED 127.0.0.1:4318', failedBatches: 2, droppedItems: 3 });
  });
});
