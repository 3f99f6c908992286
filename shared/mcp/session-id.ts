// MCP sessions with no instance affinity: the `Mcp-Session-Id` the gateway hands out is the session
// itself, sealed (AES-256-GCM under a key derived from the master key), so any instance (any Lambda)
// opens it and serves the session's next request without reading the table. It holds who opened it,
// where (`/mcp` or `/mcp/{server}`), each upstream's own session id and protocol version, and when it
// expires; the client can neither read nor alter it. Sealing rather than signing keeps the upstreams'
// session ids from the client: they are credentials to the upstream servers.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** One upstream's side of a session: its own session id (stateless upstreams have none) and protocol version. */
export interface UpstreamSession {
  sessionId?: string;
  protocolVersion?: string;
}

export interface McpSession {
  /** Who opened it (callerOf): a session is no one else's to continue. */
  caller: string;
  /** `/mcp`, or the server of `/mcp/{server}`. */
  scope: string;
  /** The upstreams initialized for it, by server name. */
  upstreams: Record<string, UpstreamSession>;
  /** Epoch ms. */
  expires: number;
}

/** A day, as a client may keep a session open across a working day. */
export const SESSION_TTL_MS = 86_400_000;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SessionIds {
  private readonly key: Buffer;

  /** `secret`: the master key (every instance has it); an open gateway has none, and its sessions guard nothing it does not already give away. */
  constructor(secret: string | undefined) {
    this.key = Buffer.from(hkdfSync('sha256', secret ?? 'tollgate open gateway', 'tollgate mcp session', 'v1', 32));
  }

  seal(session: McpSession): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(JSON.stringify(session), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
  }

  /** The session, unless the id is not one this gateway sealed, has expired, or is `caller`'s no more. */
  open(id: string, caller: string, scope: string, now: number): McpSession | undefined {
    const bytes = Buffer.from(id, 'base64url');
    if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
    let session: McpSession;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      session = JSON.parse(Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')) as McpSession;
    } catch {
      return undefined;
    }
    return session.caller === caller && session.scope === scope && session.expires > now ? session : undefined;
  }
}
