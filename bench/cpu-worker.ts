// Child process of bench/cpu-per-request.ts: Tollgate's core handler in-process (buildGateway, no client
// socket, no HTTP server), one request at a time as a Lambda instance takes them, with CPU time read
// from process.cpuUsage(). The fake upstream runs in another process, so its CPU is not counted; the
// HTTP client work of calling it is, as it would be on Lambda. Results go back over IPC.
import { buildGateway } from '../shared/app.ts';
import { loadConfig } from '../shared/config/yaml.ts';
import { consoleLog } from '../shared/core/log.ts';
import { defaultProviders } from '../shared/providers/registry.ts';
import { benchConfig, chatBody, MASTER_KEY } from './bench-config.ts';

export interface CpuCase {
  name: string;
  model: string;
  stream: boolean;
  /** Which API the request calls: chat completions unless said (the Responses API: POST /v1/responses). */
  api?: 'chat' | 'responses';
}

export interface CpuResult extends CpuCase {
  requests: number;
  errors: number;
  cpuMicrosPerRequest: number;
  wallMicrosPerRequest: number;
}

export interface CpuJob {
  upstreamUrl: string;
  bedrockUrl: string;
  cases: CpuCase[];
  warmup: number;
  requests: number;
}

async function run(job: CpuJob): Promise<CpuResult[]> {
  const providers = defaultProviders();
  const config = loadConfig(
    benchConfig(job.upstreamUrl, job.bedrockUrl),
    'bench.config.yaml',
    () => undefined,
    (prefix) => providers.get(prefix),
  );
  // The access log line is part of a request's cost; stdout is discarded by the parent.
  const gateway = buildGateway({ config, log: consoleLog('info'), providers });

  const once = async (cpuCase: CpuCase, body: string): Promise<boolean> => {
    const response = await gateway.handle({
      method: 'POST',
      path: cpuCase.api === 'responses' ? '/v1/responses' : '/v1/chat/completions',
      query: {},
      headers: { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json' },
      body,
      signal: new AbortController().signal,
    });
    let last = '';
    if (typeof response.body === 'string') last = response.body;
    else for await (const chunk of response.body) last = String(chunk);
    await response.done();
    if (cpuCase.api === 'responses') return response.status === 200 && (cpuCase.stream ? last.startsWith('event: response.completed') : last.includes('"object":"response"'));
    return response.status === 200 && (last.includes('chat.completion') || last === 'data: [DONE]\n\n');
  };

  const results: CpuResult[] = [];
  for (const cpuCase of job.cases) {
    const body = cpuCase.api === 'responses' ? JSON.stringify({ model: cpuCase.model, input: 'Say hello.', stream: cpuCase.stream }) : chatBody(cpuCase.model, cpuCase.stream);
    for (let i = 0; i < job.warmup; i++) await once(cpuCase, body);
    let errors = 0;
    const cpu = process.cpuUsage();
    const wall = process.hrtime.bigint();
    for (let i = 0; i < job.requests; i++) if (!(await once(cpuCase, body))) errors++;
    const wallMicros = Number(process.hrtime.bigint() - wall) / 1000;
    const used = process.cpuUsage(cpu);
    results.push({
      ...cpuCase,
      requests: job.requests,
      errors,
      cpuMicrosPerRequest: (used.user + used.system) / job.requests,
      wallMicrosPerRequest: wallMicros / job.requests,
    });
  }
  return results;
}

if (import.meta.main) {
  process.once('message', (job: CpuJob) => {
    run(job).then(
      (results) => process.send!({ results }, () => process.exit(0)),
      (error: Error) => process.send!({ error: error.stack ?? String(error) }, () => process.exit(1)),
    );
  });
}
