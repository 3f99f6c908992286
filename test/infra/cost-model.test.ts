// docs/COST.md, `tollgate cost` and the cost model (infra/cost/) say the same thing: the page's tables
// are the model's output, the command prints the page's example, and the model's choices (the default
// Lambda memory, the break-even volume) are what they claim to be.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  addedLatencyMs,
  breakEvenRequests,
  defaultLambdaMemoryMb,
  fargateCost,
  LAMBDA_CASES,
  LATENCY_ALLOWANCE_MS,
  lambdaCost,
  lambdaPerMillion,
  MEMORY_SIZES,
  memoryTable,
} from '../../infra/cost/model.ts';
import { DYNAMODB_PER_REQUEST } from '../../infra/cost/measured.ts';
import { costDocBlocks, fillCostDoc } from '../../infra/cost/report.ts';
import { costCommand, parseDuration, parseRequests } from '../../local/cli/cost.ts';
import { serverEnv } from '../helpers/server-env.ts';

const doc = readFileSync('docs/COST.md', 'utf8');
const flags = (args: Record<string, string>) => new Map(Object.entries(args).map(([k, v]) => [k, [v]]));

describe('docs/COST.md', () => {
  it('holds exactly the tables the cost model makes (npm run cost:doc rewrites them)', () => {
    expect(fillCostDoc(doc)).toBe(doc);
    for (const block of Object.values(costDocBlocks())) expect(doc).toContain(block);
  });

  it('shows what `tollgate cost --requests 10M --avg-upstream 5s` prints', () => {
    const printed = execFileSync(process.execPath, ['local/cli/tollgate.mjs', 'cost', '--requests', '10M', '--avg-upstream', '5s'], { env: serverEnv(), encoding: 'utf8' });
    expect(printed).toBe(costDocBlocks()['example']);
    expect(doc).toContain(printed);
  });
});

describe('tollgate cost', () => {
  it('reads volumes and durations as people write them', () => {
    expect(parseRequests('10M')).toBe(1e7);
    expect(parseRequests('250k')).toBe(250_000);
    expect(parseRequests('1.5B')).toBe(1.5e9);
    expect(parseRequests('1,000,000')).toBe(1e6);
    expect(parseDuration('5s')).toBe(5000);
    expect(parseDuration('800ms')).toBe(800);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseRequests('ten')).toBeUndefined();
    expect(parseDuration('5')).toBeUndefined();
  });

  it('says which flag is wrong and how to write it', () => {
    expect(costCommand(flags({ requests: 'lots', 'avg-upstream': '5s' }))).toMatchObject({ ok: false, text: expect.stringMatching(/--requests takes .* 10M/) });
    expect(costCommand(flags({ requests: '10M' }))).toMatchObject({ ok: false, text: expect.stringMatching(/--avg-upstream takes/) });
    expect(costCommand(flags({ requests: '10M', 'avg-upstream': '5s', key: 'team' }))).toMatchObject({ ok: false, text: expect.stringMatching(/virtual or master/) });
    expect(costCommand(flags({ requests: '10M', 'avg-upstream': '5s', memory: '64' }))).toMatchObject({ ok: false, text: expect.stringMatching(/128 to 10240/) });
    expect(costCommand(flags({ requests: '10M', 'avg-upstream': '5s', region: 'eu' }))).toMatchObject({ ok: false, text: expect.stringMatching(/unknown flag --region/) });
  });

  it('prices the memory and kind of key it is given', () => {
    const text = costCommand(flags({ requests: '2M', 'avg-upstream': '800ms', key: 'master', memory: '1536' })).text;
    expect(text).toContain('Lambda 1536 MB');
    expect(text).toContain('the master key');
    const master = DYNAMODB_PER_REQUEST.find((kind) => kind.key === 'master')!;
    expect(text).toContain(`${master.writeUnits} write, ${master.readUnits} read units`);
  });
});

describe('the cost model', () => {
  it("prices 1,024 MB at 5 s of upstream time at about $67 per million requests in Lambda alone (the issue's figure)", () => {
    const passThrough = LAMBDA_CASES[0]!;
    expect(lambdaPerMillion(passThrough, 1024, 5000)).toBeGreaterThan(66);
    expect(lambdaPerMillion(passThrough, 1024, 5000)).toBeLessThan(68);
  });

  it('makes the default memory the cheapest size within the latency allowance on every path of the rule', () => {
    const chosen = defaultLambdaMemoryMb();
    const rows = memoryTable();
    const row = rows.find((r) => r.memoryMb === chosen)!;
    expect(row.overFastestMs).toBeLessThanOrEqual(LATENCY_ALLOWANCE_MS);
    for (const cheaper of rows.filter((r) => r.perMillion < row.perMillion)) expect(cheaper.overFastestMs).toBeGreaterThan(LATENCY_ALLOWANCE_MS);
    // More memory never adds latency, and stops helping at one vCPU.
    for (const c of LAMBDA_CASES) {
      const latencies = MEMORY_SIZES.map((m) => addedLatencyMs(c, m));
      expect([...latencies].sort((a, b) => b - a)).toEqual(latencies);
    }
  });

  it('puts the break-even where Fargate starts to cost less than Lambda', () => {
    for (const upstreamMs of [1000, 5000, 30_000]) {
      const at = breakEvenRequests(upstreamMs, 'virtual');
      const below = { requestsPerMonth: at - 2e5, upstreamMs, key: 'virtual' as const };
      const above = { requestsPerMonth: at, upstreamMs, key: 'virtual' as const };
      expect(lambdaCost(below).monthly).toBeLessThanOrEqual(fargateCost(below).monthly);
      expect(fargateCost(above).monthly).toBeLessThan(lambdaCost(above).monthly);
    }
    // Longer upstream times bill Lambda more per request: Fargate pays off sooner.
    expect(breakEvenRequests(30_000, 'virtual')).toBeLessThan(breakEvenRequests(1000, 'virtual'));
  });
});
