// A fresh Node process playing a Lambda cold start: install the runtime's streaming globals (a tiny
// stand-in for test/helpers/lambda-stream-shim.ts, so loading this file costs next to nothing), import
// the bundled handler (that runs its init: config, gateway), answer one API Gateway event, and report
// the times on fd 3. bench/cold-start.ts compiles this file to plain JavaScript before running it.
import { writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';

const booted = performance.now();
const [bundlePath, key] = process.argv.slice(2) as [string, string];

/** The runtime's response stream: collects the bytes; the prelude (status, headers) comes first. */
class ResponseStream extends Writable {
  readonly parts: Buffer[] = [];
  setContentType(): void {}
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.parts.push(Buffer.from(chunk));
    callback();
  }
}

(globalThis as Record<string, unknown>)['awslambda'] = {
  streamifyResponse: (handler: object) => Object.assign(handler, { [Symbol.for('aws.lambda.runtime.handler.streaming')]: 'response' }),
  HttpResponseStream: {
    from(stream: ResponseStream, prelude: object) {
      stream.write(JSON.stringify(prelude));
      stream.write(new Uint8Array(8));
      return stream;
    },
  },
};

const module = (await import(pathToFileURL(bundlePath).href)) as { handler: (event: unknown, stream: ResponseStream, context: unknown) => Promise<unknown> };
const loaded = performance.now();

const event = {
  httpMethod: 'POST',
  path: '/v1/chat/completions',
  resource: '/{proxy+}',
  headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
  multiValueHeaders: null,
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  pathParameters: { proxy: 'v1/chat/completions' },
  stageVariables: null,
  isBase64Encoded: false,
  body: JSON.stringify({ model: 'mock', messages: [{ role: 'user', content: 'Say hello.' }] }),
  requestContext: { requestId: 'cold-start', stage: 'v1', identity: { sourceIp: '127.0.0.1' } },
};
const context = {
  functionName: 'tollgate-cold-start',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:tollgate-cold-start',
  memoryLimitInMB: '1024',
  awsRequestId: 'cold-start-request',
  getRemainingTimeInMillis: () => 60_000,
};
const stream = new ResponseStream();
await module.handler(event, stream, context);
const answered = performance.now();
const cpu = process.cpuUsage();

const bytes = Buffer.concat(stream.parts);
const split = bytes.indexOf(Buffer.alloc(8));
const prelude = JSON.parse(bytes.subarray(0, split).toString('utf8')) as { statusCode: number };
const body = bytes.subarray(split + 8).toString('utf8');
writeSync(
  3,
  JSON.stringify({
    bootMs: booted,
    importMs: loaded - booted,
    firstEventMs: answered - loaded,
    sinceProcessStartMs: answered,
    cpuMs: (cpu.user + cpu.system) / 1000,
    status: prelude.statusCode,
    ok: prelude.statusCode === 200 && body.includes('"chat.completion"'),
  }),
);
