// MCP's older SSE transport, for clients that predate Streamable HTTP: GET /mcp/sse (every server the
// caller may use) or /mcp/{server}/sse opens the stream, whose first event names where to POST
// messages (/mcp/sse/messages?sessionId=...). Each POSTed message is served exactly as POST /mcp or
// /mcp/{server} serves it (serve() in ./mcp.ts: access, the sealed session, a tools/call's admission,
// ledger record and progress), and what it answers goes out on the stream; the POST itself answers
// 202 once that is done (or the gateway's HTTP error, as on Streamable HTTP). The stream lives in the
// process holding it (shared/mcp/sse-streams.ts): a gateway without one (a Lambda) refuses the
// transport, pointing at Streamable HTTP.
import { GatewayError } from '../core/errors.ts';
import { parseJsonObject } from '../core/json-body.ts';
import { SSE_HEADERS, sseEvent } from '../core/sse.ts';
import type { Reply, Route } from '../core/types.ts';
import { sseEvents } from '../http/sse-events.ts';
import type { SseStreams } from '../mcp/sse-streams.ts';
import { callerOf, permittedServers, serve, type McpDeps } from './mcp.ts';

const MESSAGES_PATH = '/mcp/sse/messages';
/** What the Streamable HTTP transport wants of a request; an SSE client's POST sends JSON and reads nothing. */
const STREAMABLE_ACCEPT = 'application/json, text/event-stream';

/** `streams`: where the open streams live; absent, the transport is refused (a Lambda holds no connection). */
export function mcpSseEndpoints(deps: McpDeps, streams: SseStreams | undefined): Route[] {
  const route = (method: 'GET' | 'POST', paths: string[], handle: Route['handle']): Route => ({ method, paths, auth: 'caller', group: 'llm_api', handle });
  if (!streams) {
    const refuse = async (): Promise<Reply> => {
      throw new GatewayError(
        'not_found',
        "MCP's older SSE transport needs one long-lived connection per session, which this deployment (AWS Lambda) cannot hold. Connect with Streamable HTTP instead: POST /mcp (or /mcp/{server}), e.g. `claude mcp add --transport http`.",
      );
    };
    return [route('GET', ['/mcp/sse', '/mcp/{server}/sse'], refuse), route('POST', [MESSAGES_PATH], refuse)];
  }
  return [
    route('GET', ['/mcp/sse', '/mcp/{server}/sse'], async (_request, ctx, params) => {
      // Refused now rather than at the first message: an unknown server, or one the key may not use.
      permittedServers(deps.access, ctx.identity, params['server']);
      const { frames } = streams.start(callerOf(ctx.identity), params['server'], ctx.signal, (stream) => sseEvent('endpoint', `${MESSAGES_PATH}?sessionId=${stream.id}`));
      return { status: 200, headers: SSE_HEADERS, body: frames };
    }),
    route('POST', [MESSAGES_PATH], async (request, ctx) => {
      const stream = streams.get(request.query['sessionId'] ?? '', callerOf(ctx.identity));
      if (!stream) {
        throw new GatewayError(
          'not_found',
          "No open SSE stream has this sessionId here: it was closed, is another key's, or is held by another instance (behind several instances, use Streamable HTTP at /mcp). Open GET /mcp/sse again.",
        );
      }
      const message = parseJsonObject(request.body);
      const headers = { ...request.headers, accept: STREAMABLE_ACCEPT, 'content-type': 'application/json', ...(stream.mcpSessionId && { 'mcp-session-id': stream.mcpSessionId }) };
      const path = stream.server === undefined ? '/mcp' : `/mcp/${stream.server}`;
      const reply = await serve(deps, message, headers, path, ctx, stream.server);
      if (message['method'] === 'initialize') stream.mcpSessionId = reply.headers?.['mcp-session-id'];
      // Its answer, and the notifications before it (progress), go out on the stream as they come.
      if (typeof reply.body !== 'string') for await (const event of sseEvents(reply.body)) stream.send(sseEvent('message', event.data));
      else if (reply.body) stream.send(sseEvent('message', reply.body));
      return { status: 202, body: 'Accepted' };
    }),
  ];
}
