// Which end user (LiteLLM's "customer") a model request is for, read where LiteLLM reads it: the
// headers x-litellm-customer-id / x-litellm-end-user-id first, then the body's own field
// (`user` in OpenAI's format, `metadata.user_id` in Anthropic's).
const END_USER_HEADERS = ['x-litellm-customer-id', 'x-litellm-end-user-id'];

export function endUserOf(headers: Record<string, string>, fromBody: string | null | undefined): string | undefined {
  for (const name of END_USER_HEADERS) {
    const value = headers[name]?.trim();
    if (value) return value;
  }
  return fromBody ?? undefined;
}
