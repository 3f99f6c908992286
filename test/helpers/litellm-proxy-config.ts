// LiteLLM's own proxy_server_config.yaml (test/fixtures/litellm/, kept verbatim) made runnable here: every
// deployment's `api_base` pointed at one local fake upstream (LiteLLM's point at the internet), and every
// `os.environ/` variable it names given a fake value. The file itself is not edited: the rewrite is here.
// An `api_base` on a host that is neither LiteLLM's fake endpoint nor a provider's API is one LiteLLM's
// tests made wrong on purpose (`badly-configured-openai-endpoint`): it goes to a loopback port that
// refuses connections, so that it fails here too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

export const LITELLM_PROXY_CONFIG = join(import.meta.dirname, '../fixtures/litellm/proxy_server_config.yaml');

/** Providers whose deployments reach their API by AWS's SDK, not by `api_base`: left as they are. */
const SDK_PROVIDERS = ['sagemaker/'];
/** Hosts the fake upstream stands in for: LiteLLM's fake OpenAI endpoint, and providers' APIs. */
const STOOD_IN_FOR = [/^exampleopenaiendpoint-production\.up\.railway\.app$/, /\.openai\.azure\.com$/, /^api\.openai\.com$/];
/** Nothing listens on port 1 of loopback: a connection there is refused at once. */
const REFUSED = 'http://127.0.0.1:1/';

/** `path`: the file to rewrite, LiteLLM's at the fixture's commit unless another copy of it is named. */
export function litellmProxyConfig(upstream: string, path = LITELLM_PROXY_CONFIG): { yaml: string; env: Record<string, string> } {
  const text = readFileSync(path, 'utf8');
  const document = parse(text);
  for (const entry of document.model_list) {
    const params = entry.litellm_params;
    if (SDK_PROVIDERS.some((prefix) => params.model.startsWith(prefix))) continue;
    const host = params.api_base === undefined ? undefined : new URL(params.api_base).hostname;
    params.api_base = host === undefined || STOOD_IN_FOR.some((pattern) => pattern.test(host)) ? upstream : REFUSED;
  }
  const env: Record<string, string> = { MISTRAL_API_KEY: 'fake-MISTRAL_API_KEY' };
  for (const [, name] of text.matchAll(/os\.environ\/(\w+)/g)) env[name!] = `fake-${name}`;
  return { yaml: stringify(document), env };
}
