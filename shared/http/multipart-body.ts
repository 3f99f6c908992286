// A multipart/form-data body for an upstream that takes uploads (OpenAI's audio API): text fields and
// files, written whole (the gateway holds the upload already, within its limits).
import { randomUUID } from 'node:crypto';
import type { UploadedFile } from '../core/multipart.ts';

export interface MultipartBody {
  contentType: string;
  body: Buffer;
}

/** `fields`: strings, numbers and booleans as text, lists as repeated `name[]` fields, files as files; absent values left out. */
export function multipartBody(fields: Record<string, unknown>): MultipartBody {
  const boundary = `tollgate-${randomUUID()}`;
  const parts: Buffer[] = [];
  const part = (name: string, value: string | UploadedFile) => {
    const file = typeof value === 'string' ? undefined : value;
    const disposition = `form-data; name="${quoted(name)}"${file ? `; filename="${quoted(file.filename)}"` : ''}`;
    const head = `--${boundary}\r\ncontent-disposition: ${disposition}\r\n${file ? `content-type: ${file.contentType}\r\n` : ''}\r\n`;
    parts.push(Buffer.from(head), file ? file.bytes : Buffer.from(value as string), Buffer.from('\r\n'));
  };
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) part(`${name}[]`, typeof item === 'object' ? (item as UploadedFile) : String(item));
    else part(name, typeof value === 'object' ? (value as UploadedFile) : String(value));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) };
}

/** A name in a quoted header parameter: quotes and line breaks escaped as browsers do. */
function quoted(text: string): string {
  return text.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
