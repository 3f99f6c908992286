// A fake S3 on 127.0.0.1 for the AWS SDK's S3 client (path-style addressing): PutObject, GetObject
// and ListObjectsV2 on one bucket, objects kept in memory. Requests must carry a SigV4 signature
// (the SDK's, with whatever static credentials the test gave it).
import type { ServerResponse } from 'node:http';
import { startRecordingServer, type RecordedRequest, type RecordingServer } from './recording-server.ts';

export interface FakeS3 extends RecordingServer {
  objects: Map<string, Buffer>;
}

export async function startFakeS3(bucket: string): Promise<FakeS3> {
  const objects = new Map<string, Buffer>();
  const server = await startRecordingServer();
  server.respond((request, res) => answer(request, res, bucket, objects));
  return { ...server, objects };
}

function answer(request: RecordedRequest, res: ServerResponse, bucket: string, objects: Map<string, Buffer>): void {
  if (!String(request.headers['authorization'] ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
    xmlError(res, 403, 'AccessDenied', 'Access Denied');
    return;
  }
  const url = new URL(request.url, 'http://fake');
  const [, name, ...rest] = url.pathname.split('/');
  if (name !== bucket) {
    xmlError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
    return;
  }
  const key = decodeURIComponent(rest.join('/'));
  if (request.method === 'PUT' && key) {
    objects.set(key, decoded(request));
    res.writeHead(200, { etag: '"fake"' }).end();
    return;
  }
  if (request.method === 'GET' && !key && url.searchParams.get('list-type') === '2') {
    const prefix = url.searchParams.get('prefix') ?? '';
    const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    const contents = keys.map((k) => `<Contents><Key>${k}</Key><Size>${objects.get(k)!.length}</Size><LastModified>${new Date().toISOString()}</LastModified></Contents>`).join('');
    res
      .writeHead(200, { 'content-type': 'application/xml' })
      .end(
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name><Prefix>${prefix}</Prefix><KeyCount>${keys.length}</KeyCount><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
      );
    return;
  }
  if (request.method === 'GET' && key) {
    const object = objects.get(key);
    if (!object) {
      xmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': object.length }).end(object);
    return;
  }
  xmlError(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
}

/** The body as stored: `aws-chunked` bodies (the SDK's streamed uploads with trailing checksums) unwrapped. */
function decoded(request: RecordedRequest): Buffer {
  if (!String(request.headers['content-encoding'] ?? '').includes('aws-chunked')) return request.raw;
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = request.raw.indexOf('\r\n', at);
    const size = Number.parseInt(request.raw.subarray(at, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (!size) break;
    parts.push(request.raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function xmlError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}
