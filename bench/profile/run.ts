// `npx tsx bench/profile/run.ts`: Tollgate's local server under load with `node --cpu-prof`, with the
// master key and with a virtual key that has a budget and limits (one server process each), driven by
// bench/load.ts at concurrency PROFILE_CONCURRENCY (50) against the fake upstream, its identity table in
// a dynalite process. Prints req/s, the gateway's and dynalite's CPU per request (/proc), and where the
// gateway's time goes (bench/profile/areas.ts). PROFILE_TREES=label=dir,label=dir runs the same cases
// on other checkouts of the project (say, an export of the commit before a change) in turns with this
// one, so that a before/after comparison shares the machine's noise. Profiles are written to
// bench/results/work-profile/ (gitignored). PROFILE_SECONDS (12, split over PROFILE_ROUNDS, 3).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchConfig, MASTER_KEY } from '../bench-config.ts';
import { closedLoop, summarizeRun, type Measured } from '../load.ts';
import { cpuSeconds, freePort, startChild, type Child } from '../processes.ts';
import { createVirtualKey, type Target } from '../targets.ts';
import { summarizeProfile, type CpuProfile } from './areas.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORK = join(ROOT, 'bench/results/work-profile');
const number = (name: string, fallback: number) => Number(process.env[name] || fallback);
const SECONDS = number('PROFILE_SECONDS', 12);
const ROUNDS = number('PROFILE_ROUNDS', 3);
const CONCURRENCY = number('PROFILE_CONCURRENCY', 50);
const STREAM = process.env['PROFILE_STREAM'] === '1';
const DB_DELAY_MS = number('PROFILE_DB_DELAY_MS', 0);
const micros = () => Number(process.hrtime.bigint() / 1000n);
const progress = (message: string) => process.stderr.write(`profile: ${message}\n`);

const trees = (process.env['PROFILE_TREES'] ? process.env['PROFILE_TREES'].split(',') : [`current=${ROOT}`]).map((entry) => {
  const [label, dir] = entry.split('=') as [string, string];
  return { label, dir };
});

interface Run {
  tree: string;
  key: 'master' | 'virtual';
  target: Target;
  child: Child;
  parts: Measured[];
  /** When its measured phases ran (µs, monotonic clock). */
  windows: Array<[number, number]>;
  gatewayCpu: number;
  dynamoCpu: number;
  profileDir: string;
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const children: Child[] = [];
  const upstreamPort = await freePort();
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
  children.push(
    await startChild({
      name: 'fake upstream',
      args: [join(ROOT, 'bench/fake-upstream.ts')],
      env: { PORT: String(upstreamPort), LATENCY_MS: '1', GAP_MS: '10' },
      logFile: join(WORK, 'upstream.log'),
      readyUrl: upstreamUrl,
    }),
  );
  const dynamoPort = await freePort();
  const dynamo = await startChild({
    name: 'dynalite',
    args: [join(ROOT, 'bench/dynamodb-server.ts')],
    env: { PORT: String(dynamoPort), DELAY_MS: String(DB_DELAY_MS) },
    logFile: join(WORK, 'dynalite.log'),
    readyUrl: `http://127.0.0.1:${dynamoPort}`,
  });
  children.push(dynamo);
  const configPath = join(WORK, 'tollgate.profile.yaml');
  writeFileSync(configPath, benchConfig(upstreamUrl));

  const runs: Run[] = [];
  try {
    for (const tree of trees) {
      for (const key of ['master', 'virtual'] as const) {
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        const profileDir = join(WORK, `${tree.label}-${key}`);
        mkdirSync(profileDir, { recursive: true });
        for (const old of readdirSync(profileDir)) rmSync(join(profileDir, old));
        const child = await startChild({
          name: `tollgate ${tree.label} ${key}`,
          args: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--import', 'tsx', join(tree.dir, 'local/server.ts')],
          env: {
            GATEWAY_CONFIG: configPath,
            HOST: '127.0.0.1',
            PORT: String(port),
            LOG_LEVEL: 'info',
            DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamoPort}`,
            TOLLGATE_TABLE: `profile-${tree.label}-${key}`,
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'test',
            AWS_SECRET_ACCESS_KEY: 'test',
            AWS_EC2_METADATA_DISABLED: 'true',
          },
          logFile: join(WORK, `tollgate-${tree.label}-${key}.log`),
          readyUrl: `${url}/health/liveliness`,
          stopGraceMs: 60_000,
        });
        children.push(child);
        let authorization = `Bearer ${MASTER_KEY}`;
        if (key === 'virtual') {
          const made = await createVirtualKey(url);
          if (!('key' in made)) throw new Error(made.missing);
          authorization = `Bearer ${made.key}`;
        }
        const target: Target = {
          name: key === 'master' ? 'tollgate' : 'tollgate-vkey',
          pid: child.pid,
          url: `${url}/v1/chat/completions`,
          model: 'bench-fast',
          headers: { 'content-type': 'application/json', authorization },
        };
        runs.push({ tree: tree.label, key, target, child, parts: [], windows: [], gatewayCpu: 0, dynamoCpu: 0, profileDir });
      }
    }
    for (const run of runs) {
      progress(`warming up ${run.tree} ${run.key}`);
      await closedLoop(run.target, STREAM, { concurrency: CONCURRENCY, warmupSeconds: 0, seconds: 2 });
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const run of runs) {
        progress(`round ${round + 1}/${ROUNDS}: ${run.tree} ${run.key}`);
        const before = { gateway: cpuSeconds(run.child.pid) ?? 0, dynamo: cpuSeconds(dynamo.pid) ?? 0 };
        const from = micros();
        run.parts.push(await closedLoop(run.target, STREAM, { concurrency: CONCURRENCY, warmupSeconds: 0.25, seconds: SECONDS / ROUNDS }));
        run.windows.push([from, micros()]);
        run.gatewayCpu += (cpuSeconds(run.child.pid) ?? 0) - before.gateway;
        run.dynamoCpu += (cpuSeconds(dynamo.pid) ?? 0) - before.dynamo;
      }
    }
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }

  const lines = [
    `Load average at the end: ${loadavg()
      .map((n) => n.toFixed(1))
      .join(', ')}; c=${CONCURRENCY}, ${STREAM ? 'streamed' : 'JSON'}, ${SECONDS} s per case in ${ROUNDS} turns${DB_DELAY_MS ? `, DynamoDB delayed ${DB_DELAY_MS} ms per call` : ''}.`,
    '',
  ];
  lines.push('| tree | key | requests | errors | req/s | p50 ms | gateway CPU µs/req | dynalite CPU µs/req |', '|---|---|---|---|---|---|---|---|');
  for (const run of runs) {
    const result = summarizeRun(run.parts);
    // The warm-up phases' CPU is in the /proc totals too: count their requests alike (approximately, by rate).
    const counted = result.requests + result.rps * 0.25 * ROUNDS;
    const perRequest = (seconds: number) => Math.round((seconds * 1e6) / counted).toLocaleString('en-US');
    lines.push(
      `| ${run.tree} | ${run.key} | ${result.requests} | ${result.errors} | ${Math.round(result.rps)} | ${result.latency.p50.toFixed(2)} | ${perRequest(run.gatewayCpu)} | ${perRequest(run.dynamoCpu)} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  for (const run of runs) {
    const file = readdirSync(run.profileDir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) continue;
    let profile: CpuProfile;
    try {
      profile = JSON.parse(readFileSync(join(run.profileDir, file), 'utf8')) as CpuProfile;
    } catch (error) {
      lines.push('', `### ${run.tree}, ${run.key} key: profile unreadable (${String(error)})`);
      continue;
    }
    const summary = summarizeProfile(profile, run.windows);
    lines.push('', `### ${run.tree}, ${run.key} key: ${Math.round(summary.busyMs)} ms busy under load (${file})`, '', '| area | ms | share |', '|---|---|---|');
    for (const area of summary.areas.slice(0, 16)) lines.push(`| ${area.area} | ${Math.round(area.ms)} | ${(area.share * 100).toFixed(1)}% |`);
    lines.push('', '| top self time | area | share |', '|---|---|---|');
    for (const f of summary.functions.slice(0, 25)) lines.push(`| \`${f.name}\` | ${f.area} | ${((f.ms / summary.busyMs) * 100).toFixed(1)}% |`);
  }
  writeFileSync(join(WORK, 'latest.md'), `${lines.join('\n')}\n`);
  process.stdout.write(`Written: ${join(WORK, 'latest.md')}\n`);
}

await main();
