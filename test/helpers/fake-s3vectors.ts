// A fake Amazon S3 Vectors on 127.0.0.1 speaking its REST API as the API reference documents it
// (POST /PutVectors, /QueryVectors, /DeleteVectors, /ListVectors; JSON bodies naming
// `vectorBucketName` and `indexName`; errors as a status, `x-amzn-ErrorType` and `{"message"}`), for one
// vector bucket holding one cosine index of a fixed dimension, vectors kept in memory. Every request
// must be SigV4-signed for the service `s3vectors` in the fake's region: the signature is computed
// again here from the request and the credentials the test names, and a wrong one is a 403.
// QueryVectors is exact (the real index is approximate) and its `filter` takes the operators
// `$eq`, `$gt` and `$and`; ListVectors pages by `pageSize`, whatever `maxResults` asks.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { ServerResponse } from 'node:http';
import { sendJson, startRecordingServer, type RecordedRequest, type RecordingServer } from './recording-server.ts';

export interface FakeS3VectorsOptions {
  bucket: string;
  index: string;
  dimension: number;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The most vectors a ListVectors page holds (default 1000, the API's most). */
  pageSize?: number;
}

interface StoredVector {
  data: number[];
  metadata: Record<string, unknown>;
}

export interface FakeS3Vectors extends RecordingServer {
  vectors: Map<string, StoredVector>;
  /** Calls per operation, accepted or not. */
  calls(operation: string): number;
}

export async function startFakeS3Vectors(options: FakeS3VectorsOptions): Promise<FakeS3Vectors> {
  const vectors = new Map<string, StoredVector>();
  const counts = new Map<string, number>();
  const server = await startRecordingServer();
  server.respond(async (request, res) => {
    const operation = request.url.slice(1);
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
    await answer(request, res, options, vectors, operation);
  });
  return { ...server, vectors, calls: (operation) => counts.get(operation) ?? 0 };
}

async function answer(request: RecordedRequest, res: ServerResponse, options: FakeS3VectorsOptions, vectors: Map<string, StoredVector>, operation: string): Promise<void> {
  if (request.method !== 'POST') return error(res, 405, 'MethodNotAllowed', `${request.method} is not allowed`);
  const denied = await signatureProblem(request, options);
  if (denied) return error(res, 403, 'AccessDeniedException', denied);
  const body = request.json as Record<string, any>;
  if (!body || typeof body !== 'object') return error(res, 400, 'ValidationException', 'The request body is not JSON');
  if (body.vectorBucketName !== options.bucket) return error(res, 404, 'NotFoundException', 'The specified vector bucket could not be found');
  if (body.indexName !== options.index) return error(res, 404, 'NotFoundException', 'The specified index could not be found');
  switch (operation) {
    case 'PutVectors':
      return putVectors(body, res, options, vectors);
    case 'QueryVectors':
      return queryVectors(body, res, options, vectors);
    case 'DeleteVectors': {
      if (!Array.isArray(body.keys) || body.keys.length < 1 || body.keys.length > 500) return error(res, 400, 'ValidationException', 'keys must hold 1 to 500 keys');
      for (const key of body.keys) vectors.delete(key);
      return sendJson(res, 200, {});
    }
    case 'ListVectors':
      return listVectors(body, res, options, vectors);
    default:
      return error(res, 404, 'UnknownOperationException', `Unknown operation ${operation}`);
  }
}

/** Why the request's signature is not the one its credentials make for s3vectors in the region, if it is not. */
async function signatureProblem(request: RecordedRequest, options: FakeS3VectorsOptions): Promise<string | undefined> {
  const authorization = String(request.headers['authorization'] ?? '');
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(authorization);
  if (!match) return 'The request is not signed with SigV4';
  const [, accessKey, , region, service, signedHeaders] = match;
  if (service !== 's3vectors') return `Credential should be scoped to correct service: 's3vectors', not '${service}'`;
  if (region !== options.region) return `Credential should be scoped to a valid region: '${options.region}', not '${region}'`;
  if (accessKey !== options.credentials.accessKeyId) return 'The security token included in the request is invalid';
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const signingDate = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const headers = Object.fromEntries(signedHeaders!.split(';').map((name) => [name, String(request.headers[name] ?? '')]));
  const [hostname, port] = String(request.headers['host']).split(':');
  const signer = new SignatureV4({ service: 's3vectors', region: options.region, credentials: options.credentials, sha256: Sha256 });
  const expected = await signer.sign(
    { method: request.method, protocol: 'http:', hostname: hostname!, port: port ? Number(port) : undefined, path: request.url, headers, body: request.raw.toString('utf8') },
    { signingDate },
  );
  if (expected.headers['authorization'] !== authorization) return 'The request signature we calculated does not match the signature you provided';
  return undefined;
}

function putVectors(body: Record<string, any>, res: ServerResponse, options: FakeS3VectorsOptions, vectors: Map<string, StoredVector>): void | Promise<void> {
  if (!Array.isArray(body.vectors) || body.vectors.length < 1 || body.vectors.length > 500) return error(res, 400, 'ValidationException', 'vectors must hold 1 to 500 vectors');
  for (const vector of body.vectors) {
    const problem = vectorProblem(vector?.data?.float32, options.dimension);
    if (problem) return error(res, 400, 'ValidationException', problem);
    if (typeof vector.key !== 'string' || vector.key.length < 1 || vector.key.length > 1024) return error(res, 400, 'ValidationException', 'key must be 1 to 1024 characters');
    if (vector.metadata !== undefined && Buffer.byteLength(JSON.stringify(vector.metadata)) > 2048) return error(res, 400, 'ValidationException', 'Filterable metadata must be at most 2 KB');
  }
  for (const vector of body.vectors) vectors.set(vector.key, { data: vector.data.float32, metadata: vector.metadata ?? {} });
  sendJson(res, 200, {});
}

function queryVectors(body: Record<string, any>, res: ServerResponse, options: FakeS3VectorsOptions, vectors: Map<string, StoredVector>): void | Promise<void> {
  const query = body.queryVector?.float32;
  const problem = vectorProblem(query, options.dimension);
  if (problem) return error(res, 400, 'ValidationException', problem);
  if (!Number.isInteger(body.topK) || body.topK < 1 || body.topK > 100) return error(res, 400, 'ValidationException', 'topK must be 1 to 100');
  let matches: (metadata: Record<string, unknown>) => boolean;
  try {
    matches = body.filter === undefined ? () => true : filterOf(body.filter);
  } catch (problem) {
    return error(res, 400, 'ValidationException', (problem as Error).message);
  }
  const found = [...vectors.entries()]
    .filter(([, vector]) => matches(vector.metadata))
    .map(([key, vector]) => ({ key, distance: 1 - cosine(query, vector.data), metadata: vector.metadata }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, body.topK)
    .map(({ key, distance, metadata }) => ({ key, ...(body.returnDistance && { distance }), ...(body.returnMetadata && { metadata }) }));
  sendJson(res, 200, { vectors: found, distanceMetric: 'cosine' });
}

function listVectors(body: Record<string, any>, res: ServerResponse, options: FakeS3VectorsOptions, vectors: Map<string, StoredVector>): void | Promise<void> {
  const max = body.maxResults ?? 500;
  if (!Number.isInteger(max) || max < 1 || max > 1000) return error(res, 400, 'ValidationException', 'maxResults must be 1 to 1000');
  const start = body.nextToken === undefined ? 0 : Number(Buffer.from(String(body.nextToken), 'base64').toString());
  const keys = [...vectors.keys()].sort();
  const end = Math.min(start + Math.min(max, options.pageSize ?? 1000), keys.length);
  const page = keys.slice(start, end).map((key) => ({ key, ...(body.returnMetadata && { metadata: vectors.get(key)!.metadata }) }));
  sendJson(res, 200, { vectors: page, ...(end < keys.length && { nextToken: Buffer.from(String(end)).toString('base64') }) });
}

function vectorProblem(data: unknown, dimension: number): string | undefined {
  if (!Array.isArray(data) || !data.every((value) => typeof value === 'number' && Number.isFinite(value))) return 'Vector data must be a list of finite float32 values';
  if (data.length !== dimension) return `Invalid record for key: vector dimension ${data.length} does not match index dimension ${dimension}`;
  if (data.every((value) => value === 0)) return 'Zero vectors are not allowed with the cosine distance metric';
  return undefined;
}

/** A metadata filter of the operators this fake knows: `$and`, and per field `$eq`, `$gt` (or a bare value, meaning `$eq`). */
function filterOf(filter: Record<string, unknown>): (metadata: Record<string, unknown>) => boolean {
  const checks = Object.entries(filter).map(([field, condition]): ((metadata: Record<string, unknown>) => boolean) => {
    if (field === '$and') {
      if (!Array.isArray(condition)) throw new Error('$and takes a list of filters');
      const all = condition.map((inner) => filterOf(inner as Record<string, unknown>));
      return (metadata) => all.every((check) => check(metadata));
    }
    if (field.startsWith('$')) throw new Error(`Unsupported filter operator ${field}`);
    if (condition === null || typeof condition !== 'object') return (metadata) => metadata[field] === condition;
    const [operator, value] = Object.entries(condition)[0] ?? [];
    if (operator === '$eq') return (metadata) => metadata[field] === value;
    if (operator === '$gt') return (metadata) => typeof metadata[field] === 'number' && (metadata[field] as number) > (value as number);
    throw new Error(`Unsupported filter operator ${operator}`);
  });
  return (metadata) => checks.every((check) => check(metadata));
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(normA * normB);
}

function error(res: ServerResponse, status: number, type: string, message: string): void {
  sendJson(res, status, { message }, { 'x-amzn-errortype': type });
}
