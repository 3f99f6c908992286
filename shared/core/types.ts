// The core's contract with its adapters (local Node server, Lambda) and with route modules. It knows
// nothing of models, providers, prices or keys: what a model call adds to a request lives with the
// model-call pipeline (shared/pipeline/).
import type { GatewayError } from './errors.ts';
import type { Log } from './log.ts';

/** A request as every adapter hands it to the core: no sockets, no framework objects. */
export interface GatewayRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  query: Record<string, string>;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
  /** The body's bytes, on routes that take binary bodies (`binaryBody`: multipart uploads); `body` is then empty. */
  bytes?: Buffer;
  /** Aborted when the client goes away; the core aborts upstream calls with it. */
  signal: AbortSignal;
  sourceIp?: string;
}

/**
 * A body as an adapter hands it over: whole (a Lambda event), or still arriving (a socket). The
 * gateway reads it only once it knows who is calling, within that caller's limit.
 */
export type IncomingBody = string | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** A request as it reaches the gateway, its body not read yet. */
export interface IncomingRequest extends Omit<GatewayRequest, 'body'> {
  body: IncomingBody;
}

/** What the core answers. A string body is sent whole; an iterable body chunk by chunk, as it comes (text, or bytes: audio). */
export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  body: string | AsyncIterable<string | Uint8Array>;
  /**
   * Adapters call this once the last byte is written or the client has gone away, and wait for it:
   * it runs the after-response hooks (spend records, metrics). Idempotent.
   */
  done(): Promise<void>;
}

/**
 * Who is calling: the master key, anyone (no master key configured), or whoever an `Authenticator`
 * vouches for (a virtual key: shared/keys/identity.ts, with its type guard).
 */
export type Identity = { kind: 'master' } | { kind: 'open' } | AuthenticatedIdentity;

/** What an authenticator returns: its own kind of caller, with whatever it knows about them. */
export interface AuthenticatedIdentity {
  readonly kind: string;
}

export interface Timings {
  /** Epoch ms when the core received the request. */
  start: number;
  upstreamStart?: number;
  /** First byte of the upstream answer (first chunk for streams). */
  firstByte?: number;
  end?: number;
}

/** Everything the gateway knows about one request, shared by routes, providers and hooks. */
export interface RequestContext {
  readonly requestId: string;
  /** Aborted on client disconnect, or when an adapter abandons a streamed body. */
  readonly signal: AbortSignal;
  readonly timings: Timings;
  readonly log: Log;
  /** Headers every response of this request carries (request id, chosen deployment, ...). */
  readonly responseHeaders: Record<string, string>;
  identity?: Identity;
  /** Fields the access log line adds for this request (the model asked for, the deployment that answered). */
  readonly logFields: Record<string, string | undefined>;
  status?: number;
  error?: GatewayError;
  /** Registers work to run after the last byte has gone out, whether the client stayed or not. */
  onFinish(hook: AfterResponseHook): void;
  /**
   * Registers work that must be done before a successful answer's last byte goes out (its spend
   * ledger record), so that no answer a client received goes unrecorded if the gateway dies.
   */
  beforeAnswer(hook: AfterResponseHook): void;
  /**
   * Runs the `beforeAnswer` hooks, in order, once (later calls share that run); rejects with the
   * first failure. Routes await it before the last byte of an answer (for streams, before the event
   * that ends them); the gateway runs it after the response for every other outcome.
   */
  answerReady(): Promise<void>;
}

export type AfterResponseHook = (ctx: RequestContext) => void | Promise<void>;

/** What a route handler returns; the core adds status and headers it owns. */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body: string | AsyncIterable<string | Uint8Array>;
}

export type RouteAuth = 'public' | 'caller' | 'admin';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Exact paths; a `{name}` segment matches one path segment and is passed in `params` (`{name}:suffix` one that ends so). */
  paths: string[];
  auth: RouteAuth;
  handle(request: GatewayRequest, ctx: RequestContext, params: Record<string, string>): Promise<Reply>;
  /** How this route's errors are written, authentication's included; OpenAI's shape when unset. */
  errorBody?: (error: GatewayError) => unknown;
  /** The route takes a binary body (multipart uploads): handed over as `bytes`, not read as JSON text. */
  binaryBody?: boolean;
  /** What the route is for; unset: `management` for admin routes, `info` for the others. */
  group?: RouteGroup;
  /** A query parameter the caller's key may come in when no header holds it (Gemini's `?key=`). */
  keyInQuery?: string;
}

/**
 * What a route is for, as LiteLLM's `key_type` and `allowed_routes` name it: calling models (and
 * listing them), reading the gateway's records, or changing them.
 */
export type RouteGroup = 'llm_api' | 'info' | 'management';

/** The route a caller asks for: the path as sent, and what the route is for. */
export interface CalledRoute {
  path: string;
  group: RouteGroup;
}

/** Turns a presented key into an identity, or undefined when it is not theirs to judge; throws when the key may not call `route`. */
export type Authenticator = (key: string, ctx: RequestContext, route: CalledRoute) => Promise<Identity | undefined>;
