// `data:` URLs, as OpenAI clients send images, audio and files inline.
import { GatewayError } from '../core/errors.ts';

export interface DataUrl {
  mediaType: string;
  base64: boolean;
  data: string;
}

/** Splits a data: URL; `at` names the field in the 400 a malformed one gets. */
export function parseDataUrl(url: string, at: string): DataUrl {
  const match = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url);
  if (!match) throw new GatewayError('invalid_request', `${at}: malformed data: URL.`, { param: at });
  const params = match[2]!.split(';').filter(Boolean);
  return { mediaType: match[1] || 'text/plain', base64: params.includes('base64'), data: match[3]! };
}
