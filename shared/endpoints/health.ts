// Unauthenticated probes, with LiteLLM's paths and answers, and the root that clients probe before
// their first call (Claude Code sends HEAD /).
import type { Route } from '../core/types.ts';
import type { Services } from '../services.ts';

export function healthRoutes(services: Services): Route[] {
  return [
    {
      method: 'GET',
      paths: ['/'],
      auth: 'public',
      async handle() {
        return { body: JSON.stringify({ name: 'Tollgate', status: 'ok', api: '/v1', health: '/health/liveliness' }) };
      },
    },
    {
      method: 'GET',
      paths: ['/health/liveliness', '/health/liveness'],
      auth: 'public',
      async handle() {
        return { body: JSON.stringify("I'm alive!") };
      },
    },
    {
      method: 'GET',
      paths: ['/health/readiness'],
      auth: 'public',
      async handle() {
        return { body: JSON.stringify({ status: 'healthy', models: services.groups.names().length, disabled_models: services.config.disabled.length }) };
      },
    },
  ];
}
