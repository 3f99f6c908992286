// API Gateway REST proxy events (payload v1) as the core's GatewayRequest.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { IncomingRequest } from '../../shared/core/types.ts';

/**
 * `event.path` is used as given. On the execute-api host it is `/v1/chat/completions` (the stage is not
 * in it); behind a custom domain it can carry the base-path mapping in front, so map the API at `/`.
 */
export function toGatewayRequest(event: APIGatewayProxyEvent, signal: AbortSignal): IncomingRequest {
  const body = event.body ?? '';
  return {
    method: (event.httpMethod ?? 'GET').toUpperCase(),
    path: event.path || '/',
    query: definedValues(event.queryStringParameters),
    headers: lowerCaseHeaders(event),
    // Decoded bytes: the gateway makes them text only once the caller is known and the size allowed.
    body: event.isBase64Encoded ? [Buffer.from(body, 'base64')] : body,
    signal,
    sourceIp: event.requestContext?.identity?.sourceIp || undefined,
  };
}

/** Lower-cased names; a repeated header keeps all its values (multiValueHeaders), joined as Node does. */
function lowerCaseHeaders(event: APIGatewayProxyEvent): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (values?.length) headers[name.toLowerCase()] = values.join(', ');
  }
  return headers;
}

function definedValues(params: Record<string, string | undefined> | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value !== undefined) out[name] = value;
  }
  return out;
}
