// The admin API (LiteLLM's /key, /team, /user, /customer, /organization, /budget, /tag, /audit over the keys
// service), model management (/model/new, /model/update, /model/delete) and the web UI (/ui, its sign-in and
// session cookie): what the local server and the admin Lambda serve beside the gateway's own routes, handed
// to buildGateway as `adminApi` (shared/app.ts). The gateway Lambda leaves it out: its bundle holds none of
// this code (docs/BENCHMARKS.md, "Cold start, issue 24 round 3").
import type { AdminApi } from './app.ts';
import { adminRoutes } from './endpoints/admin/index.ts';
import { modelRoutes } from './endpoints/admin/models.ts';
import { keysService } from './keys/service.ts';
import { BudgetCalendar } from './spend/periods.ts';
import { Identities } from './store/identities.ts';
import { newUserDefaults } from './ui/new-user-defaults.ts';
import { uiAuthenticators } from './ui/session-authenticator.ts';
import { uiRoutes } from './ui/ui-routes.ts';

export const ADMIN_API: AdminApi = {
  routes({ config, log, store, models, chat, ui, now }) {
    const service = keysService(store, log);
    return [
      ...adminRoutes(service, { calendar: new BudgetCalendar(config.spend.timeZone), now }),
      ...(ui ? uiRoutes(ui, config.masterKey, { identities: new Identities(store), ...service, newUser: newUserDefaults(config), chat }) : []),
      ...modelRoutes(models),
    ];
  },
  requestAuthenticators: uiAuthenticators,
};
