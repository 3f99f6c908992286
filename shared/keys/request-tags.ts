// Which tags a model request carries, read where LiteLLM reads them: the body's `tags` (a list, or one
// tag as a string) and `metadata.tags`, the `x-litellm-tags` header (comma-separated), and the tags of
// the key and of its team (`tags`, or `metadata.tags`). The pipeline reads them once, for tag routing
// and for the tags' budgets. Each names a tag's item, so a malformed or overlong one is the caller's 400.
import { GatewayError } from '../core/errors.ts';
import type { Identity } from '../core/types.ts';
import type { Fields } from '../store/records.ts';
import { idProblem } from '../store/limits.ts';
import { virtualKeyOf } from './identity.ts';

/** The most tags a request may carry: each tag with an item is one more account to charge. */
export const MAX_REQUEST_TAGS = 20;

export function requestTags(headers: Record<string, string>, body: Record<string, unknown>, identity: Identity | undefined): string[] {
  const tagsField = typeof body['tags'] === 'string' ? [body['tags']] : stringsOf(body['tags'], 'tags');
  const fromBody = [...tagsField, ...stringsOf((body['metadata'] as Fields | undefined)?.['tags'], 'metadata.tags')];
  const fromHeader = (headers['x-litellm-tags'] ?? '')
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
  const key = virtualKeyOf(identity);
  const owned = [key?.key, key?.team].flatMap((record) => (record ? [...stringList(record['tags']), ...stringList((record['metadata'] as Fields | undefined)?.['tags'])] : []));
  const tags = [...new Set([...fromBody, ...fromHeader, ...owned])];
  if (tags.length > MAX_REQUEST_TAGS)
    throw new GatewayError('invalid_request', `A request may carry at most ${MAX_REQUEST_TAGS} tags (metadata.tags, x-litellm-tags, and its key's and team's); it has ${tags.length}.`, {
      param: 'metadata.tags',
    });
  for (const tag of tags) {
    const problem = idProblem(tag);
    if (problem) throw new GatewayError('invalid_request', `The tag "${tag.slice(0, 40)}" ${problem}.`, { param: 'metadata.tags' });
  }
  return tags;
}

function stringsOf(value: unknown, param: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((tag) => typeof tag !== 'string')) throw new GatewayError('invalid_request', `\`${param}\` must be a list of strings.`, { param });
  return value as string[];
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((tag): tag is string => typeof tag === 'string') : [];
}
