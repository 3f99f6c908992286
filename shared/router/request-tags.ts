// The tags a request carries for tag routing, wherever LiteLLM's clients put them: `tags` in the body
// (a list, or one tag as a string), `metadata.tags`, or the `x-litellm-tags` header (comma-separated).
export function requestTags(body: Record<string, unknown>, headers: Record<string, string>): string[] {
  const metadata = body['metadata'];
  const listed = [body['tags'], metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>)['tags'] : undefined].flatMap((value) =>
    typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((tag): tag is string => typeof tag === 'string') : [],
  );
  const header = (headers['x-litellm-tags'] ?? '').split(',').map((tag) => tag.trim());
  return [...new Set([...listed, ...header])].filter(Boolean);
}
