// LiteLLM's own proxy_server_config.yaml (test/fixtures/litellm/, kept verbatim) made runnable here: every
// deployment's `api_base` pointed at one local fake upstream (LiteLLM's point at the internet), and every
// `os.environ/` variable it names given a fake value. The file itself is not edited: the rewrite is here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

export const LITELLM_PROXY_CONFIG = join(import.meta.dirname, '../fixtures/litellm/proxy_server_config.yaml');

/** Providers whose deployments reach their API by AWS's SDK, not by `api_base`: left as they are. */
const SDK_PROVIDERS = ['sagemaker/'];

export function litellmProxyConfig(upstream: string): { yaml: string; env: Record<string, string> } {
  const text = readFileSync(LITELLM_PROXY_CONFIG, 'utf8');
  const document = parse(text);
  for (const entry of document.model_list) {
    if (!SDK_PROVIDERS.some((prefix) => entry.litellm_params.model.startsWith(prefix))) entry.litellm_params.api_base = upstream;
  }
  const env: Record<string, string> = { MISTRAL_API_KEY: 'fake-MISTRAL_API_KEY' };
  for (const [, name] of text.matchAll(/os\.environ\/(\w+)/g)) env[name!] = `fake-${name}`;
  return { yaml: stringify(document), env };
}
