import { writeSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
const booted = performance.now();
const [bundlePath, key] = process.argv.slice(2);
class ResponseStream extends Writable {
  parts = [];
  setContentType() {
  }
  _write(chunk, _encoding, callback) {
    this.parts.push(Buffer.from(chunk));
    callback();
  }
}
globalThis["awslambda"] = {
  streamifyResponse: (handler) => Object.assign(handler, { [/* @__PURE__ */ Symbol.for("aws.lambda.runtime.handler.streaming")]: "response" }),
  HttpResponseStream: {
    from(stream2, prelude2) {
      stream2.write(JSON.stringify(prelude2));
      stream2.write(new Uint8Array(8));
      return stream2;
    }
  }
};
const module = await import(pathToFileURL(bundlePath).href);
const loaded = performance.now();
const event = {
  httpMethod: "POST",
  path: "/v1/chat/completions",
  resource: "/{proxy+}",
  headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
  multiValueHeaders: null,
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  pathParameters: { proxy: "v1/chat/completions" },
  stageVariables: null,
  isBase64Encoded: false,
  body: JSON.stringify({ model: "mock", messages: [{ role: "user", content: "Say hello." }] }),
  requestContext: { requestId: "cold-start", stage: "v1", identity: { sourceIp: "127.0.0.1" } }
};
const context = {
  functionName: "tollgate-cold-start",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:tollgate-cold-start",
  memoryLimitInMB: "1024",
  awsRequestId: "cold-start-request",
  getRemainingTimeInMillis: () => 6e4
};
const stream = new ResponseStream();
await module.handler(event, stream, context);
const answered = performance.now();
const bytes = Buffer.concat(stream.parts);
const split = bytes.indexOf(Buffer.alloc(8));
const prelude = JSON.parse(bytes.subarray(0, split).toString("utf8"));
const body = bytes.subarray(split + 8).toString("utf8");
writeSync(
  3,
  JSON.stringify({
    bootMs: booted,
    importMs: loaded - booted,
    firstEventMs: answered - loaded,
    sinceProcessStartMs: answered,
    status: prelude.statusCode,
    ok: prelude.statusCode === 200 && body.includes('"chat.completion"')
  })
);
