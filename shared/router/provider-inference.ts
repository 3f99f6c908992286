// Where a `model: "*"` deployment (LiteLLM's "route any model") sends a requested name, as LiteLLM's
// get_llm_provider finds it: a known provider prefix (`groq/llama-3.3-70b-versatile` → groq), else the
// provider the price table lists the bare model id under (`gpt-4o` → openai, `claude-sonnet-4-5` →
// anthropic). A name that says neither gets LiteLLM's 400, "LLM Provider NOT provided".
import { GatewayError } from '../core/errors.ts';

export interface InferredModel {
  provider: string;
  /** The upstream model id: the name without its provider prefix. */
  model: string;
}

export type ProviderInference = (name: string) => InferredModel | undefined;

/** `isProvider`: whether a prefix names a provider the gateway has; `listedUnder`: the price table's provider of a bare model id. */
export function providerInference(isProvider: (prefix: string) => boolean, listedUnder: (model: string) => string | undefined): ProviderInference {
  return (name) => {
    const slash = name.indexOf('/');
    if (slash > 0 && isProvider(name.slice(0, slash))) return { provider: name.slice(0, slash), model: name.slice(slash + 1) };
    const provider = listedUnder(name);
    return provider === undefined ? undefined : { provider, model: name };
  };
}

export function providerNotProvided(name: string): GatewayError {
  return new GatewayError(
    'invalid_request',
    `LLM Provider NOT provided. Pass in the LLM provider you are trying to call. You passed model=${name}. Name it as "<provider>/<model>" (e.g. "openai/${name}"); https://docs.litellm.ai/docs/providers lists the providers.`,
    { param: 'model' },
  );
}
