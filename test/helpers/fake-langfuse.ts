// A fake Langfuse on 127.0.0.1: POST /api/public/ingestion as its API reference describes it — Basic
// auth with the project's public and secret key, a `batch` of events each with an envelope id,
// timestamp, type and body — answered 207 with each event's outcome (an event it cannot take is an
// entry in `errors`, not a 4xx). Traces and generations it took are kept by id.
import { sendJson, startRecordingServer, type RecordingServer } from './recording-server.ts';

const TYPES = new Set(['trace-create', 'generation-create', 'generation-update', 'span-create', 'span-update', 'event-create', 'score-create']);

export interface FakeLangfuse extends RecordingServer {
  traces: Map<string, any>;
  generations: Map<string, any>;
}

export async function startFakeLangfuse(publicKey: string, secretKey: string): Promise<FakeLangfuse> {
  const traces = new Map<string, any>();
  const generations = new Map<string, any>();
  const server = await startRecordingServer();
  const expected = `Basic ${Buffer.from(`${publicKey}:${secretKey}`).toString('base64')}`;
  server.respond((request, res) => {
    if (request.method !== 'POST' || request.url !== '/api/public/ingestion') return sendJson(res, 404, { message: 'Not found' });
    if (request.headers['authorization'] !== expected) return sendJson(res, 401, { message: 'Invalid credentials' });
    if (!Array.isArray(request.json?.batch)) return sendJson(res, 400, { message: 'batch: Required' });
    const successes: object[] = [];
    const errors: object[] = [];
    for (const event of request.json.batch) {
      const problem = invalid(event);
      if (problem) {
        errors.push({ id: event?.id, status: 400, message: problem });
        continue;
      }
      if (event.type === 'trace-create') traces.set(event.body.id, { ...traces.get(event.body.id), ...event.body });
      if (event.type === 'generation-create') generations.set(event.body.id, event.body);
      successes.push({ id: event.id, status: 201 });
    }
    sendJson(res, 207, { successes, errors });
  });
  return { ...server, traces, generations };
}

function invalid(event: any): string | undefined {
  if (typeof event?.id !== 'string' || typeof event.timestamp !== 'string' || Number.isNaN(Date.parse(event.timestamp))) return 'id and timestamp (ISO 8601) are required';
  if (!TYPES.has(event.type)) return `unknown event type ${event.type}`;
  const body = event.body;
  if (typeof body !== 'object' || body === null) return 'body is required';
  if (event.type === 'generation-create' && (typeof body.traceId !== 'string' || typeof body.id !== 'string')) return 'a generation needs an id and a traceId';
  for (const field of ['startTime', 'endTime', 'completionStartTime', 'timestamp']) {
    if (body[field] !== undefined && Number.isNaN(Date.parse(body[field]))) return `${field} is not an ISO 8601 time`;
  }
  return undefined;
}
