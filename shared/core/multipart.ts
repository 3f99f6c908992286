// A multipart/form-data request body (uploads: audio to transcribe) as the fields a route's schema
// checks, parsed by busboy from the bytes the gateway read within the caller's body limit. Each file
// is held to the route's own cap, refused with a 413 that names the cap and whose it is; `name[]`
// fields (how the openai clients send lists) and repeated ones become lists.
import type busboy from 'busboy';
import { GatewayError } from './errors.ts';
import { shownSize } from './request-body.ts';

export interface UploadedFile {
  /** The form field's file name (`speech.wav`): some upstreams tell the format by it. */
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface FileLimit {
  maxFileBytes: number;
  /** Whose limit it is, after "larger than 25 MB, ": `the most OpenAI's audio API takes`. */
  explanation: string;
}

/** More parts than any of these APIs takes: a body of thousands of tiny fields is refused, not parsed on. */
const MAX_FIELDS = 100;
const MAX_FILES = 10;

export function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && Buffer.isBuffer((value as UploadedFile).bytes);
}

export async function parseMultipart(bytes: Buffer, contentType: string | undefined, limit: FileLimit): Promise<Record<string, unknown>> {
  if (!/^multipart\/form-data\s*;/i.test(contentType ?? '')) {
    throw new GatewayError(
      'invalid_request',
      `This route takes multipart/form-data (a file upload), not ${contentType ? contentType.split(';')[0] : 'a body without a Content-Type'}. Send the file as a form field, as the openai clients do.`,
    );
  }
  // Only uploads (audio to transcribe, images to edit) need the parser: imported by the first, not at cold start.
  const { default: parse } = await import('busboy');
  return new Promise((resolve, reject) => {
    const fields: Record<string, unknown> = {};
    const add = (rawName: string, value: unknown) => {
      const list = rawName.endsWith('[]');
      const name = list ? rawName.slice(0, -2) : rawName;
      const before = fields[name];
      fields[name] = before === undefined ? (list ? [value] : value) : [...(Array.isArray(before) ? before : [before]), value];
    };
    let failure: GatewayError | undefined;
    const fail = (error: GatewayError) => {
      failure ??= error;
    };
    let parser: busboy.Busboy;
    try {
      parser = parse({ headers: { 'content-type': contentType }, limits: { fileSize: limit.maxFileBytes, fields: MAX_FIELDS, files: MAX_FILES } });
    } catch (error) {
      reject(new GatewayError('invalid_request', `The request body is not valid multipart/form-data: ${(error as Error).message}.`));
      return;
    }
    parser.on('field', (name, value) => add(name, value));
    parser.on('file', (name, stream, info) => {
      const parts: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => parts.push(chunk));
      stream.on('limit', () =>
        fail(new GatewayError('payload_too_large', `The file in "${name}" is larger than ${shownSize(limit.maxFileBytes)}, ${limit.explanation}. Send a smaller or shorter file.`, { param: name })),
      );
      stream.on('end', () => add(name, { filename: info.filename ?? name, contentType: info.mimeType, bytes: Buffer.concat(parts) } satisfies UploadedFile));
    });
    parser.on('fieldsLimit', () => fail(new GatewayError('invalid_request', `The form has more than ${MAX_FIELDS} fields, which no API request needs.`)));
    parser.on('filesLimit', () => fail(new GatewayError('invalid_request', `The form has more than ${MAX_FILES} files, which no API request needs.`)));
    parser.on('error', (error: Error) => reject(failure ?? new GatewayError('invalid_request', `The request body is not valid multipart/form-data: ${error.message}.`)));
    parser.on('close', () => (failure ? reject(failure) : resolve(fields)));
    parser.end(bytes);
  });
}
