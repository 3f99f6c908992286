// `tollgate cost --requests 10M --avg-upstream 5s [--key virtual|master] [--memory MB]`: what a month of
// requests costs in each deployment mode, from the cost model docs/COST.md is generated from
// (infra/cost/), so the two always agree.
import { workloadReport } from '../../infra/cost/report.ts';

export const COST_USAGE = 'usage: tollgate cost --requests 10M --avg-upstream 5s [--key virtual|master] [--memory MB]';

const SUFFIXES: Record<string, number> = { '': 1, k: 1e3, m: 1e6, b: 1e9 };
const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** "10M", "250k", "1.5B" or a plain number of requests. */
export function parseRequests(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([kmb]?)$/i.exec(text.trim().replaceAll(',', '').replaceAll('_', ''));
  if (!match) return undefined;
  const n = Number(match[1]) * SUFFIXES[match[2]!.toLowerCase()]!;
  return n >= 1 ? Math.round(n) : undefined;
}

/** "5s", "500ms", "1.5s", "2m" as milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/i.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNITS_MS[match[2]!.toLowerCase()]!;
  return ms > 0 ? ms : undefined;
}

/** The report, or why the flags cannot be read. */
export function costCommand(flags: Map<string, string[]>): { text: string; ok: boolean } {
  const last = (name: string) => flags.get(name)?.at(-1);
  for (const name of flags.keys()) {
    if (!['requests', 'avg-upstream', 'key', 'memory'].includes(name)) return { text: `unknown flag --${name}\n${COST_USAGE}\n`, ok: false };
  }
  const requests = parseRequests(last('requests') ?? '');
  if (requests === undefined) return { text: `--requests takes a number of requests a month, e.g. 10M, 250k or 1.5B\n${COST_USAGE}\n`, ok: false };
  const upstreamMs = parseDuration(last('avg-upstream') ?? '');
  if (upstreamMs === undefined) return { text: `--avg-upstream takes the average time a model takes to answer, e.g. 5s or 800ms\n${COST_USAGE}\n`, ok: false };
  const key = last('key') ?? 'virtual';
  if (key !== 'virtual' && key !== 'master') return { text: `--key takes virtual or master, not "${key}"\n`, ok: false };
  const memory = last('memory');
  const memoryMb = memory === undefined ? undefined : Number(memory);
  if (memoryMb !== undefined && !(Number.isInteger(memoryMb) && memoryMb >= 128 && memoryMb <= 10_240)) {
    return { text: `--memory takes a Lambda memory size in MB, 128 to 10240, not "${memory}"\n`, ok: false };
  }
  return { text: workloadReport({ requestsPerMonth: requests, upstreamMs, key, memoryMb }), ok: true };
}
