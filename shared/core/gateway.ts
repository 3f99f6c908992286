// The one request handler: plain request in, response out. Adapters (local server, Lambda) own the
// I/O; everything else happens here or in the routes it dispatches to.
import { randomUUID } from 'node:crypto';
import { createAuthenticate, type AuthOptions } from './auth.ts';
import { asGatewayError, GatewayError } from './errors.ts';
import type { Log } from './log.ts';
import { DEFAULT_MAX_REQUEST_BYTES, PUBLIC_MAX_REQUEST_BYTES, readRequestBody, readRequestBytes, type BodyLimit } from './request-body.ts';
import { checkCanonicalPath, maskKeysInPath } from './request-path.ts';
import type { RouteTable } from './route-table.ts';
import type { AfterResponseHook, GatewayResponse, IncomingRequest, Reply, RequestContext, Route } from './types.ts';

export interface GatewayOptions extends AuthOptions {
  routes: RouteTable;
  log: Log;
  /** Run after every response, after the request's own `onFinish` hooks. */
  afterResponse?: AfterResponseHook[];
  /** The most an authenticated caller's body may hold (`general_settings.max_request_size_mb`); default 32 MB. */
  maxRequestBytes?: number;
  /**
   * Throws (a 503 with Retry-After) while the instance cannot take another request, e.g. while its
   * store calls are backed up. Asked of every route that needs authentication before anything else,
   * so a request refused costs neither a key lookup nor reading its body.
   */
  admit?: () => void;
  /** Sends what the after-response hooks left queued (exports); adapters call it through `Gateway.flush`. */
  flush?: () => Promise<void>;
}

export interface Gateway {
  handle(request: IncomingRequest): Promise<GatewayResponse>;
  /** Waits for what after-response hooks queued to be sent: before a Lambda invocation ends, at shutdown. Never rejects. */
  flush(): Promise<void>;
}

export function createGateway(options: GatewayOptions): Gateway {
  const authenticate = createAuthenticate(options);
  const callerLimit: BodyLimit = {
    maxBytes: options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
    explanation: 'the limit this gateway sets (general_settings.max_request_size_mb). Send less, e.g. images by URL rather than inline, or ask its admin to raise the limit.',
  };
  const publicLimit: BodyLimit = { maxBytes: PUBLIC_MAX_REQUEST_BYTES, explanation: 'the most a route without authentication takes.' };

  /** The caller, then the body: nobody gets a body read (or held) before the gateway knows it may. */
  async function dispatch(request: IncomingRequest, ctx: RequestContext, route: Route, params: Record<string, string>): Promise<Reply> {
    const isPublic = route.auth === 'public';
    if (!isPublic) options.admit?.();
    ctx.identity = await authenticate(request, ctx, route);
    const limit = isPublic ? publicLimit : callerLimit;
    if (route.binaryBody) return route.handle({ ...request, body: '', bytes: await readRequestBytes(request.body, request.headers['content-length'], limit) }, ctx, params);
    const body = await readRequestBody(request.body, request.headers['content-length'], limit);
    return route.handle({ ...request, body }, ctx, params);
  }

  return {
    flush: options.flush ?? (async () => {}),
    async handle(request) {
      const { ctx, abort, hooks } = newContext(request, options.log);
      let route: Route | undefined;
      let reply: Reply;
      try {
        const match = routeOf(request, options.routes);
        route = match.route;
        reply = await dispatch(request, ctx, match.route, match.params);
      } catch (error) {
        // Once the route is known, its errors (authentication's too) are written in its format.
        reply = errorReply(ctx, asGatewayError(error), route?.errorBody);
      }
      return respond(request, ctx, reply, abort, hooks, options.afterResponse ?? []);
    },
  };
}

/** Refuses a non-canonical path before the route is looked up: nothing answers one but the 400. */
function routeOf(request: IncomingRequest, routes: RouteTable): { route: Route; params: Record<string, string> } {
  checkCanonicalPath(request.path);
  const match = routes.match(request.method, request.path);
  if (match.kind === 'none') {
    throw new GatewayError('route_not_found', `No route ${request.method} ${request.path}. Chat is POST /v1/chat/completions; models are GET /v1/models.`);
  }
  if (match.kind === 'wrong_method') {
    throw new GatewayError('method_not_allowed', `${request.path} takes ${match.allowed.join(', ')}, not ${request.method}.`);
  }
  return match;
}

function newContext(request: IncomingRequest, log: Log) {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (request.signal.aborted) abort();
  else request.signal.addEventListener('abort', abort, { once: true });
  const hooks: AfterResponseHook[] = [];
  const answerHooks: AfterResponseHook[] = [];
  let ready: Promise<void> | undefined;
  const requestId = randomUUID();
  const ctx: RequestContext = {
    requestId,
    signal: controller.signal,
    timings: { start: Date.now() },
    log,
    responseHeaders: { 'x-tollgate-request-id': requestId, 'x-litellm-call-id': requestId },
    logFields: {},
    onFinish: (hook) => void hooks.push(hook),
    beforeAnswer: (hook) => void answerHooks.push(hook),
    answerReady: () =>
      (ready ??= (async () => {
        for (const hook of answerHooks) await hook(ctx);
      })()),
  };
  return { ctx, abort, hooks };
}

export function errorReply(ctx: RequestContext, error: GatewayError, body: NonNullable<Route['errorBody']> = (e) => e.toJSON()): Reply {
  ctx.error = error;
  if (error.kind === 'internal') ctx.log.error('internal error', { requestId: ctx.requestId, error: String(error.cause ?? error) });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (error.retryAfter !== undefined) headers['retry-after'] = String(Math.ceil(error.retryAfter));
  return { status: error.status, headers, body: JSON.stringify(body(error)) };
}

/**
 * `own`: the request's `onFinish` hooks, the list itself rather than a copy, so that a hook added while the
 * answer streams (the spend record's follow-up writes) runs too. `after`: the gateway's, run after them.
 */
function respond(request: IncomingRequest, ctx: RequestContext, reply: Reply, abort: () => void, own: AfterResponseHook[], after: readonly AfterResponseHook[]): GatewayResponse {
  const status = reply.status ?? 200;
  ctx.status ??= status;
  const headers = { ...ctx.responseHeaders, ...reply.headers };
  headers['content-type'] ??= typeof reply.body === 'string' ? 'application/json' : 'text/event-stream';
  const body = request.method === 'HEAD' ? headBody(reply.body, abort) : typeof reply.body === 'string' ? reply.body : abortWhenAbandoned(reply.body, abort);

  let finished: Promise<void> | undefined;
  const done = () => (finished ??= runHooks(request, ctx, own, after));
  return { status, headers, body, done };
}

/** A HEAD answer is the GET answer's status and headers only; a stream it would have sent is never started. */
function headBody(body: Reply['body'], abort: () => void): string {
  if (typeof body !== 'string') abort();
  return '';
}

/** A consumer that stops early (client gone, Lambda stream destroyed) aborts the upstream call too. */
async function* abortWhenAbandoned<T>(body: AsyncIterable<T>, abort: () => void): AsyncIterable<T> {
  let completed = false;
  try {
    yield* body;
    completed = true;
  } finally {
    if (!completed) abort();
  }
}

async function runHooks(request: IncomingRequest, ctx: RequestContext, own: AfterResponseHook[], after: readonly AfterResponseHook[]): Promise<void> {
  ctx.timings.end ??= Date.now();
  // Errors, refusals and streams the client left: nothing waited for these before the answer.
  await ctx.answerReady().catch((error: unknown) => ctx.log.error('before-answer hook failed', { requestId: ctx.requestId, error: String(error) }));
  // The request's hooks as they are once its answer is out (those added while it streamed included), then the gateway's.
  for (const hook of [...own, ...after]) {
    try {
      await hook(ctx);
    } catch (error) {
      ctx.log.error('after-response hook failed', { requestId: ctx.requestId, error: String(error) });
    }
  }
  // The query string is left out on purpose, and keys in the path masked: either may hold a raw key
  // (GET /key/info?key=..., POST /key/sk-.../regenerate).
  ctx.log.info('request', {
    requestId: ctx.requestId,
    method: request.method,
    path: maskKeysInPath(request.path),
    status: ctx.error?.status ?? ctx.status,
    ...ctx.logFields,
    durationMs: ctx.timings.end - ctx.timings.start,
    aborted: ctx.signal.aborted || undefined,
  });
}
