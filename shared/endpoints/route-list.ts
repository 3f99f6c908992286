// GET /routes (LiteLLM's): every route the gateway serves, this one included, as
// `{"routes": [{"path", "methods", "name"}]}`. Public, as LiteLLM's is: it lists paths, not data.
import type { Route } from '../core/types.ts';

export function routeListEndpoint(served: Route[]): Route[] {
  const self: Route = {
    method: 'GET',
    paths: ['/routes'],
    auth: 'public',
    async handle() {
      return { body };
    },
  };
  const body = JSON.stringify({ routes: [...served, self].flatMap((route) => route.paths.map((path) => ({ path, methods: [route.method], name: path }))) });
  return [self];
}
