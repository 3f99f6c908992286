// The open streams of MCP's older SSE transport (GET /mcp/sse): each is a client's one long-lived
// connection, on which every answer to its POSTed messages goes out. They live in the memory of the
// process that holds the connection, which is why only the local server (and the Fargate mode, which
// runs it) serves the transport: a Lambda holds no connection between invocations.
import { randomUUID } from 'node:crypto';

/** Idle streams get a comment this often: the Fargate mode's load balancer closes a connection idle for 5 minutes. */
export const SSE_KEEP_ALIVE_MS = 30_000;

export interface SseStream {
  readonly id: string;
  /** Who opened it: its messages are theirs only. */
  readonly caller: string;
  /** The server of `/mcp/{server}/sse`; none on `/mcp/sse` (every server the caller may use). */
  readonly server?: string;
  /** The gateway's `Mcp-Session-Id`, once the client's initialize made one. */
  mcpSessionId?: string;
  /** Sends one SSE frame to the client. */
  send(frame: string): void;
}

export class SseStreams {
  private readonly open = new Map<string, SseStream>();

  constructor(private readonly keepAliveMs = SSE_KEEP_ALIVE_MS) {}

  /** A new stream; `frames` is its body, sending `first`, then every frame sent, until the client leaves (`signal`). */
  start(caller: string, server: string | undefined, signal: AbortSignal, first: (stream: SseStream) => string): { stream: SseStream; frames: AsyncGenerator<string> } {
    const queued: string[] = [];
    let wake: (() => void) | undefined;
    signal.addEventListener('abort', () => wake?.(), { once: true });
    const stream: SseStream = {
      id: randomUUID(),
      caller,
      server,
      send: (frame) => {
        queued.push(frame);
        wake?.();
      },
    };
    const open = this.open;
    const keepAliveMs = this.keepAliveMs;
    async function* frames(): AsyncGenerator<string> {
      // Open (found by the client's POSTs) only while someone reads it.
      open.set(stream.id, stream);
      const keepAlive = setInterval(() => stream.send(': keep-alive\n\n'), keepAliveMs);
      keepAlive.unref();
      try {
        yield first(stream);
        for (;;) {
          while (queued.length) yield queued.shift()!;
          if (signal.aborted) return;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      } finally {
        clearInterval(keepAlive);
        open.delete(stream.id);
      }
    }
    return { stream, frames: frames() };
  }

  /** The stream `id` names, if it is still open here and `caller`'s. */
  get(id: string, caller: string): SseStream | undefined {
    const stream = this.open.get(id);
    return stream?.caller === caller ? stream : undefined;
  }
}
