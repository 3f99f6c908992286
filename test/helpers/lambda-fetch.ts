// fetch as API Gateway would carry it to a streamified Lambda handler and back: each request an API
// Gateway REST proxy event, each answer read from the Lambda response stream (prelude, NUL bytes, body).
// For clients that take a `fetch` (the MCP SDK's transports) in front of a handler, source or bundled.
import { apiGatewayEvent, lambdaContext } from './apigw-events.ts';
import { invokeStreaming } from './lambda-stream-shim.ts';

export function throughLambda(handler: unknown): (url: string | URL, init?: RequestInit) => Promise<Response> {
  return async (url, init) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of new Headers(init?.headers)) headers[name === 'accept' ? 'Accept' : name === 'content-type' ? 'Content-Type' : name] = value;
    const event = apiGatewayEvent({ method: init?.method ?? 'GET', path: new URL(url).pathname, headers, body: typeof init?.body === 'string' ? init.body : undefined });
    const { stream, result } = invokeStreaming(handler, event, lambdaContext());
    await result;
    const { statusCode, headers: answered } = stream.prelude!;
    return new Response(statusCode === 202 || statusCode === 204 ? null : stream.body, { status: statusCode, headers: answered });
  };
}
