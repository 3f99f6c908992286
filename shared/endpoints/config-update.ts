// POST /config/update: LiteLLM changes its running config (and stores it in its database) through this
// route. Tollgate's config is part of its deployment, the same file on every instance (bundled with the
// Lambdas at synth time), so a change through the API would hold on one instance only, until its next
// cold start; the route refuses with what to do instead. Models are the exception: /model/new and its
// siblings change them at runtime on every instance (shared/keys/model-service.ts).
import { GatewayError } from '../core/errors.ts';
import type { Route } from '../core/types.ts';

export function configUpdateEndpoint(): Route[] {
  return [
    {
      method: 'POST',
      paths: ['/config/update'],
      auth: 'admin',
      group: 'management',
      async handle() {
        throw new GatewayError(
          'invalid_request',
          'Tollgate does not change its config at runtime: the config file is part of the deployment, the same on every instance (in AWS, bundled with the Lambdas by `npm run synth`), so edit it and deploy again (locally, restart `npm start`). Models can be added, changed and deleted at runtime with POST /model/new, /model/update and /model/delete.',
        );
      },
    },
  ];
}
