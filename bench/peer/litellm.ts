// LiteLLM's proxy as a bench peer, where a team has it. It is not a package this project can install
// (a Python proxy; neither PyPI nor its 1.5 GB repository is reachable here), so the bench finds it
// instead of assuming it: LITELLM_PROXY_URL names a running proxy, started with the config the bench
// writes (`litellmConfig`: the bench's two models, pointing at the fake upstream on a fixed port, and
// the bench's master key). Without it, the bench says in one line why LiteLLM is not in the run, from
// what it found (`python3 -c "import litellm"`).
import { spawnSync } from 'node:child_process';
import { stringify } from 'yaml';
import { MASTER_KEY, UPSTREAM_API_KEY, UPSTREAM_MODEL } from '../bench-config.ts';

/** The fake upstream's port when a LiteLLM proxy is benched: the proxy's config names it before the bench starts. */
export const LITELLM_UPSTREAM_PORT = 4011;

export interface LiteLLMPeer {
  /** The proxy's base URL. */
  url: string;
  /** As its /health/readiness says (`litellm_version`). */
  version: string;
}

/** The config a LiteLLM proxy is started with to be benched: the models the bench sends, on the fake upstream. */
export function litellmConfig(upstreamUrl: string): string {
  const model = (name: string, path: string) => ({
    model_name: name,
    litellm_params: { model: `openai/${UPSTREAM_MODEL}`, api_base: `${upstreamUrl}/${path}/v1`, api_key: UPSTREAM_API_KEY },
  });
  return stringify({ model_list: [model('bench-fast', 'fast'), model('bench-paced', 'paced')], general_settings: { master_key: MASTER_KEY } });
}

/**
 * The LiteLLM proxy to bench, or why there is none: LITELLM_PROXY_URL must answer /health/readiness
 * and serve the bench's models; without it, what `python3 -c "import litellm"` says.
 */
export async function findLiteLLM(env: Record<string, string | undefined>, configPath: string): Promise<{ peer: LiteLLMPeer } | { missing: string }> {
  const url = env['LITELLM_PROXY_URL']?.replace(/\/+$/, '');
  if (!url) return { missing: `${installed()}; to bench a running proxy, start it with ${configPath} and set LITELLM_PROXY_URL` };
  try {
    const readiness = await fetch(`${url}/health/readiness`, { signal: AbortSignal.timeout(5_000) });
    const version = ((await readiness.json()) as { litellm_version?: unknown }).litellm_version;
    const models = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${MASTER_KEY}` }, signal: AbortSignal.timeout(5_000) });
    const served = models.ok ? ((await models.json()) as { data?: Array<{ id?: unknown }> }).data?.map((m) => m.id) : [];
    if (!served?.includes('bench-fast') || !served.includes('bench-paced')) {
      return { missing: `LITELLM_PROXY_URL=${url} does not serve bench-fast and bench-paced with the bench's master key (GET /v1/models answered ${models.status}): start it with ${configPath}` };
    }
    return { peer: { url, version: typeof version === 'string' ? version : 'unknown version' } };
  } catch (error) {
    return { missing: `LITELLM_PROXY_URL=${url} did not answer (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** What this machine's Python says of the litellm package, in a few words. */
function installed(): string {
  const probe = spawnSync('python3', ['-c', 'import importlib.metadata as m; print(m.version("litellm"))'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.error) return `LiteLLM not installed: python3 cannot be run (${probe.error.message})`;
  if (probe.status !== 0) return `LiteLLM not installed: python3 has no litellm package (${probe.stderr.trim().split('\n').at(-1)})`;
  return `LiteLLM ${probe.stdout.trim()} is installed but no proxy of it is running`;
}
