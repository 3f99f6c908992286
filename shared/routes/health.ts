// Unauthenticated probes, with LiteLLM's paths and answers.
import type { Route } from '../core/types.ts';
import type { Services } from '../services.ts';

export function healthRoutes(services: Services): Route[] {
  return [
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
