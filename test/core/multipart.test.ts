// Multipart bodies as the gateway parses them (busboy): fields, files, lists, and the limits that say
// what they are when crossed.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../shared/core/errors.ts';
import { parseMultipart } from '../../shared/core/multipart.ts';

/** A form as a client sends it: the bytes and the content type with its boundary. */
async function encoded(form: FormData): Promise<{ bytes: Buffer; contentType: string }> {
  const request = new Request('http://local/', { method: 'POST', body: form });
  return { bytes: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type')! };
}

const LIMIT = { maxFileBytes: 1024, explanation: 'the most this test takes' };

describe('multipart bodies', () => {
  it('gives fields as text, files as bytes with their names, and name[] or repeated fields as lists', async () => {
    const form = new FormData();
    form.set('model', 'whisper');
    form.append('timestamp_granularities[]', 'word');
    form.append('timestamp_granularities[]', 'segment');
    form.append('tag', 'a');
    form.append('tag', 'b');
    form.set('file', new Blob([Buffer.from([0, 255, 1])], { type: 'audio/wav' }), 'speech.wav');
    const { bytes, contentType } = await encoded(form);
    expect(await parseMultipart(bytes, contentType, LIMIT)).toEqual({
      model: 'whisper',
      timestamp_granularities: ['word', 'segment'],
      tag: ['a', 'b'],
      file: { filename: 'speech.wav', contentType: 'audio/wav', bytes: Buffer.from([0, 255, 1]) },
    });
  });

  it('refuses a file over the cap with a 413 naming the field, the cap and whose it is', async () => {
    const form = new FormData();
    form.set('file', new Blob([Buffer.alloc(1025)]), 'long.mp3');
    const { bytes, contentType } = await encoded(form);
    const error = await parseMultipart(bytes, contentType, LIMIT).catch((e: unknown) => e as GatewayError);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 413, param: 'file' });
    expect(error.message).toBe('The file in "file" is larger than 1 KB, the most this test takes. Send a smaller or shorter file.');
  });

  it('says to send a form when the body is something else, and refuses a broken one', async () => {
    const json = await parseMultipart(Buffer.from('{}'), 'application/json', LIMIT).catch((e: unknown) => e as GatewayError);
    expect(json.message).toContain('This route takes multipart/form-data (a file upload), not application/json');
    const broken = await parseMultipart(Buffer.from('--x\r\ncontent-disposition: form-data; name="a"\r\n\r\nunfinished'), 'multipart/form-data; boundary=x', LIMIT).catch(
      (e: unknown) => e as GatewayError,
    );
    expect(broken).toBeInstanceOf(GatewayError);
    expect(broken.status).toBe(400);
  });

  it('refuses a form of more fields than any API request needs', async () => {
    const form = new FormData();
    for (let i = 0; i < 101; i++) form.append(`f${i}`, 'x');
    const { bytes, contentType } = await encoded(form);
    const error = await parseMultipart(bytes, contentType, LIMIT).catch((e: unknown) => e as GatewayError);
    expect(error.message).toBe('The form has more than 100 fields, which no API request needs.');
  });
});
