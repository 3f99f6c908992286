// A local stand-in for the Lambda Node runtime's streaming globals, for tests of streamified handlers.
// `installLambdaShim()` must run BEFORE the handler module is imported (middy calls
// `awslambda.streamifyResponse` at import): call it, then `await import()` the handler.
// `RecordingResponseStream` plays the runtime's response stream and reads it the way API Gateway
// (or a Function URL) does: JSON prelude, 8 NUL bytes, then body bytes, each chunk timed on arrival.
import { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';

const STREAMING_HANDLER = Symbol.for('aws.lambda.runtime.handler.streaming');
const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const DELIMITER_LEN = 8;

/**
 * Installs `globalThis.awslambda` as the runtime does (aws-lambda-nodejs-runtime-interface-client). Idempotent.
 * Merges into an existing object: Powertools' invoke store puts its own member there when imported first.
 */
export function installLambdaShim(): void {
  const global = globalThis as unknown as Record<string, Record<string, unknown> | undefined>;
  if (global['awslambda']?.['streamifyResponse']) return;
  global['awslambda'] = {
    ...global['awslambda'],
    streamifyResponse<T extends object>(handler: T): T {
      (handler as Record<symbol, unknown>)[STREAMING_HANDLER] = 'response';
      return handler;
    },
    HttpResponseStream: {
      from(underlying: RecordingResponseStream, prelude: Record<string, unknown>): RecordingResponseStream {
        underlying.setContentType(PRELUDE_CONTENT_TYPE);
        // JSON.stringify is required: a NUL byte is not allowed in the prelude.
        const metadata = JSON.stringify(prelude);
        underlying._onBeforeFirstWrite = (write) => {
          write(metadata);
          write(new Uint8Array(DELIMITER_LEN));
        };
        return underlying;
      },
    },
  };
}

export interface ArrivedChunk {
  /** Milliseconds since the stream was created. */
  at: number;
  bytes: Buffer;
  /** The chunk decoded on its own (a character split across chunks shows as U+FFFD here, not in `body`). */
  text: string;
}

/** The HTTP response API Gateway would build from the prelude. */
export interface ParsedPrelude {
  statusCode: number;
  /** Lower-cased names; `cookies` become `set-cookie`. */
  headers: Record<string, string>;
  raw: Record<string, unknown>;
  at: number;
}

/** The runtime's response stream, recording instead of forwarding. Destroy it to play a client that goes away. */
export class RecordingResponseStream extends Writable {
  contentType?: string;
  prelude?: ParsedPrelude;
  readonly chunks: ArrivedChunk[] = [];
  /** Settles when the handler ended the stream or it was destroyed. */
  readonly settled: Promise<void>;
  /** Set by HttpResponseStream.from; called with the raw write before the first write goes out. */
  _onBeforeFirstWrite?: (write: (chunk: string | Uint8Array) => void) => void;

  private readonly start = performance.now();
  private wroteFirst = false;
  private pending = Buffer.alloc(0);
  private preludeDone = false;

  constructor() {
    super();
    this.settled = new Promise((resolve) => {
      this.once('finish', () => resolve());
      this.once('close', () => resolve());
    });
    this.on('error', () => {});
  }

  setContentType(contentType: string): void {
    this.contentType = contentType;
  }

  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    if (!this.wroteFirst) {
      this.wroteFirst = true;
      this._onBeforeFirstWrite?.((first) => void super.write(first));
    }
    return super.write(chunk, encoding as BufferEncoding, callback as (error?: Error | null) => void);
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const bytes = Buffer.from(chunk);
    const at = performance.now() - this.start;
    if (!this.preludeDone && this.contentType === PRELUDE_CONTENT_TYPE) {
      this.pending = Buffer.concat([this.pending, bytes]);
      const end = this.pending.indexOf(Buffer.alloc(DELIMITER_LEN));
      if (end === -1) {
        callback();
        return;
      }
      this.preludeDone = true;
      this.prelude = parsePrelude(this.pending.subarray(0, end).toString('utf8'), at);
      const rest = this.pending.subarray(end + DELIMITER_LEN);
      this.pending = Buffer.alloc(0);
      if (rest.length) this.chunks.push({ at, bytes: rest, text: rest.toString('utf8') });
      callback();
      return;
    }
    if (bytes.length) this.chunks.push({ at, bytes, text: bytes.toString('utf8') });
    callback();
  }

  /** The body as the client would read it. */
  get body(): string {
    return Buffer.concat(this.chunks.map((c) => c.bytes)).toString('utf8');
  }

  /** Resolves once the body holds `count` chunks matching `test`. */
  async waitFor(test: (chunk: ArrivedChunk) => boolean, count = 1, timeoutMs = 5000): Promise<ArrivedChunk[]> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.chunks.filter(test);
      if (found.length >= count) return found;
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${count} chunk(s); body so far: ${JSON.stringify(this.body)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

function parsePrelude(json: string, at: number): ParsedPrelude {
  const raw = JSON.parse(json) as { statusCode?: number; headers?: Record<string, string>; cookies?: string[] };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (raw.cookies?.length) headers['set-cookie'] = raw.cookies.join(', ');
  return { statusCode: raw.statusCode ?? 200, headers, raw, at };
}

export type StreamingHandler<E> = (event: E, responseStream: RecordingResponseStream, context: unknown) => Promise<unknown>;

/** Calls a streamified handler as the runtime would. `result` settles when the invocation ends. */
export function invokeStreaming<E>(handler: unknown, event: E, context: unknown): { stream: RecordingResponseStream; result: Promise<unknown> } {
  const fn = handler as StreamingHandler<E> & Record<symbol, unknown>;
  if (fn[STREAMING_HANDLER] !== 'response') throw new Error('the handler is not wrapped with awslambda.streamifyResponse');
  const stream = new RecordingResponseStream();
  const result = fn(event, stream, context);
  result.catch(() => {});
  return { stream, result };
}
