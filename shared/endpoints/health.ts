// Unauthenticated probes, with LiteLLM's paths and answers, and the root that clients probe before
// their first call (Claude Code sends HEAD /).
import type { GatewayConfig } from '../config/types.ts';
import type { Route } from '../core/types.ts';

export function healthEndpoint(config: Pick<GatewayConfig, 'deployments' | 'disabled'>): Route[] {
  const models = new Set(config.deployments.map((d) => d.modelName)).size;
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
        return { body: JSON.stringify({ status: 'healthy', models, disabled_models: config.disabled.length }) };
      },
    },
  ];
}
