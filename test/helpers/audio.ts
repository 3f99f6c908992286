// Audio for the audio tests: a real WAV file (16-bit PCM, mono, a sine tone) of a chosen length, and
// a multipart upload read back the way an upstream reads it (busboy).
import busboy from 'busboy';

export const SAMPLE_RATE = 16_000;

/** A WAV file that plays `seconds`: RIFF header, `fmt ` and `data` chunks, as any audio tool writes it. */
export function wavFile(seconds: number): Buffer {
  const samples = Math.round(seconds * SAMPLE_RATE);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / SAMPLE_RATE)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * 2, 28); // byte rate
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

export interface ReadForm {
  fields: Record<string, string[]>;
  files: Record<string, { filename: string; contentType: string; bytes: Buffer }>;
}

/** A multipart/form-data body as the upstream reads it. */
export function readForm(contentType: string, body: Buffer): Promise<ReadForm> {
  return new Promise((resolve, reject) => {
    const form: ReadForm = { fields: {}, files: {} };
    const parser = busboy({ headers: { 'content-type': contentType } });
    parser.on('field', (name, value) => void (form.fields[name] ??= []).push(value));
    parser.on('file', (name, stream, info) => {
      const parts: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => parts.push(chunk));
      stream.on('end', () => (form.files[name] = { filename: info.filename ?? '', contentType: info.mimeType, bytes: Buffer.concat(parts) }));
    });
    parser.on('error', reject);
    parser.on('close', () => resolve(form));
    parser.end(body);
  });
}
