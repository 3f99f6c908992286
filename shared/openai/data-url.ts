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

/** The payload as text: base64 decoded, or percent-escapes undone; a broken escape is the client's 400, named by `at`. */
export function dataUrlText(url: DataUrl, at: string): string {
  if (url.base64) return Buffer.from(url.data, 'base64').toString('utf8');
  try {
    return decodeURIComponent(url.data);
  } catch {
    throw new GatewayError('invalid_request', `${at}: the data: URL holds a malformed %-escape; percent-encode the text properly or send it base64-encoded.`, { param: at });
  }
}
