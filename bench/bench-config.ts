// What Tollgate is configured with in a benchmark run, and the chat request every client sends.
import { stringify } from 'yaml';

export const MASTER_KEY = 'sk-bench-master';
export const UPSTREAM_MODEL = 'gpt-4o-mini';
/** The provider key gateways send upstream (the fake upstream accepts any). */
export const UPSTREAM_API_KEY = 'sk-bench-upstream';

/** Tollgate's bench config: one model name per upstream behaviour and provider shape, plus the built-in mock. */
export function benchConfig(upstreamUrl: string, bedrockUrl?: string): string {
  const entry = (modelName: string, model: string, params: Record<string, string> = {}) => ({ model_name: modelName, litellm_params: { model, ...params } });
  const upstream = (apiBase: string) => ({ api_base: apiBase, api_key: UPSTREAM_API_KEY });
  return stringify({
    model_list: [
      entry('bench-fast', `openai/${UPSTREAM_MODEL}`, upstream(`${upstreamUrl}/fast/v1`)),
      entry('bench-paced', `openai/${UPSTREAM_MODEL}`, upstream(`${upstreamUrl}/paced/v1`)),
      entry('bench-anthropic-fast', 'anthropic/claude-sonnet-4-5', upstream(`${upstreamUrl}/fast`)),
      entry('bench-gemini-fast', 'gemini/gemini-2.5-flash', upstream(`${upstreamUrl}/fast`)),
      ...(bedrockUrl
        ? [
            entry('bench-bedrock-fast', 'bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0', {
              api_base: bedrockUrl,
              aws_region_name: 'us-east-1',
              aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE',
              aws_secret_access_key: 'bench/fake/secret',
            }),
          ]
        : []),
      entry('bench-mock', 'mock/bench'),
    ],
    general_settings: { master_key: MASTER_KEY },
    // Opt-in only (`cache: {"use-cache": true}`), so the other rows measure uncached requests; the cache rows opt in.
    litellm_settings: { cache: true, cache_params: { mode: 'default_off' } },
  });
}

/** The chat request every target gets; streams ask for the usage chunk so every upstream event is forwarded. */
export function chatBody(model: string, stream: boolean, extra: Record<string, unknown> = {}, prompt = 'Say hello.'): string {
  return JSON.stringify({
    model,
    messages: [{ role: 'user', content: prompt }],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    ...extra,
  });
}
