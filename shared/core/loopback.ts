// The gateway answering a request of its own, in process and with the caller's headers: MCP tools in
// chat (each model round and tool call a request to the gateway's own routes: shared/mcp/chat-tools.ts)
// and batch completions (each model its own request: shared/endpoints/batch-completions.ts). The
// composition root (shared/app.ts) points it at the gateway once built.
import type { GatewayResponse, IncomingRequest } from './types.ts';

export class Loopback {
  target?: { handle(request: IncomingRequest): Promise<GatewayResponse> };

  /** The gateway's answer, its body not read: the caller reads it and calls `done()`. */
  open(request: IncomingRequest): Promise<GatewayResponse> {
    return this.target!.handle(request);
  }

  async call(request: IncomingRequest): Promise<{ status: number; headers: Record<string, string>; text: string }> {
    const response = await this.open(request);
    try {
      return { status: response.status, headers: response.headers, text: await textOf(response.body) };
    } finally {
      await response.done();
    }
  }
}

/** A response body read whole, as text. */
export async function textOf(body: GatewayResponse['body']): Promise<string> {
  if (typeof body === 'string') return body;
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of body) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
