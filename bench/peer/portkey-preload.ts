// Loaded with `node --import` into the Portkey gateway's process, before its build runs. Two fixes, so
// the peer runs here as its own lockfile intends, on loopback only:
// 1. Its Node server adapter must be @hono/node-server 1.13.5: later versions make every streamed
//    response a 500 ("TypeError: immutable", Portkey issues #1389, #1550). npm nests 1.19.x under
//    @portkey-ai/gateway (its @hono/node-ws needs it), so the project's pinned 1.13.5 devDependency is
//    not what Portkey would import. Resolve Portkey's import from the project root instead.
// 2. Its `serve()` passes no host (it would listen on every interface): bind port-only listens to 127.0.0.1.
import { registerHooks } from 'node:module';
import { Server } from 'node:net';

const PINNED = '@hono/node-server';
const projectRoot = new URL('../../package.json', import.meta.url).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === PINNED && context.parentURL?.includes('/node_modules/@portkey-ai/gateway/build/')) {
      return nextResolve(specifier, { ...context, parentURL: projectRoot });
    }
    return nextResolve(specifier, context);
  },
});

const listen = Server.prototype.listen as (this: Server, ...args: unknown[]) => Server;
Server.prototype.listen = function (this: Server, ...args: unknown[]) {
  const portOnly = typeof args[0] === 'number' && (args[1] === undefined || typeof args[1] === 'function');
  return portOnly ? listen.call(this, args[0], '127.0.0.1', ...args.slice(1)) : listen.apply(this, args);
} as Server['listen'];
