// Deployments grouped by the public model name (LiteLLM's model groups).
import type { Deployment } from '../config/types.ts';
import { GatewayError } from '../core/errors.ts';

export class ModelGroups {
  private readonly groups = new Map<string, Deployment[]>();

  constructor(deployments: Deployment[]) {
    for (const deployment of deployments) {
      const group = this.groups.get(deployment.modelName) ?? [];
      group.push(deployment);
      this.groups.set(deployment.modelName, group);
    }
  }

  names(): string[] {
    return [...this.groups.keys()];
  }

  has(model: string): boolean {
    return this.groups.has(model);
  }

  deploymentsOf(model: string): Deployment[] {
    const group = this.groups.get(model);
    if (!group) {
      const names = this.names();
      throw new GatewayError('unknown_model', `Unknown model "${model}". This gateway serves: ${names.length ? names.join(', ') : '(no models configured)'}.`, { param: 'model' });
    }
    return group;
  }
}
