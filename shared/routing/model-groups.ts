// Deployments grouped by the public model name, and the choice among a group's deployments.
// simple-shuffle: weighted by `weight`, else by `rpm`, else `tpm`, else uniform (LiteLLM's default).
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

  deploymentsOf(model: string): Deployment[] {
    const group = this.groups.get(model);
    if (!group) {
      const names = this.names();
      throw new GatewayError('unknown_model', `Unknown model "${model}". This gateway serves: ${names.length ? names.join(', ') : '(no models configured)'}.`, { param: 'model' });
    }
    return group;
  }

  pick(model: string, random: () => number = Math.random): Deployment {
    const group = this.deploymentsOf(model);
    if (group.length === 1) return group[0]!;
    const weights = group.map(shuffleWeight);
    let point = random() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < group.length; i++) {
      point -= weights[i]!;
      if (point < 0) return group[i]!;
    }
    return group[group.length - 1]!;
  }
}

function shuffleWeight(deployment: Deployment): number {
  return deployment.weight ?? deployment.rpm ?? deployment.tpm ?? 1;
}
