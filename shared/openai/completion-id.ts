// What an answer the gateway makes (or an upstream sent without) is identified by: an id in OpenAI's
// form, and the time in seconds, as `created` says it.
import { randomUUID } from 'node:crypto';

export function completionId(): string {
  return `chatcmpl-${randomUUID()}`;
}

export function createdNow(): number {
  return Math.floor(Date.now() / 1000);
}
