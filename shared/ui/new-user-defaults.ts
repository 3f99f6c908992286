// LiteLLM's `litellm_settings.default_internal_user_params`: what a user made on their first single
// sign-on starts with. Any field /user/new takes (user_role, max_budget, budget_duration, models,
// tpm_limit, metadata, ...), and `teams` to join, each a team id or `{team_id, user_role,
// max_budget_in_team}`. Checked by /user/new's own schema when the gateway is built, so a bad value
// stops the start naming the setting, not a sign-in.
import * as z from 'zod';
import { ConfigError, type GatewayConfig } from '../config/types.ts';
import { issuePath } from '../core/invalid-request.ts';
import { id, money } from '../endpoints/admin/fields.ts';
import { newSchema } from '../endpoints/admin/users.ts';
import type { NewUser } from '../keys/user-service.ts';
import type { TeamMember } from '../store/records.ts';

const SETTING = 'litellm_settings.default_internal_user_params';

const teamSchema = z.union([id.transform((team_id) => ({ team_id })), z.strictObject({ team_id: id, user_role: z.enum(['admin', 'user']).optional(), max_budget_in_team: money.optional() })]);
// The user's id is the identity provider's; whether a key is made is the sign-in's to say (none).
const schema = newSchema.omit({ user_id: true, teams: true, auto_create_key: true, key_alias: true, duration: true, team_id: true }).extend({ teams: z.array(teamSchema).optional() });

export interface NewUserDefaults {
  /** The new user's fields, as /user/new takes them. */
  user: NewUser;
  /** The teams the new user joins, and as what. */
  teams: Array<{ team_id: string; role: TeamMember['role']; maxBudgetInTeam: number | undefined }>;
}

export function newUserDefaults(config: GatewayConfig): NewUserDefaults {
  // An explicit null is absent, as in LiteLLM.
  const given = Object.fromEntries(Object.entries(config.defaultInternalUserParams ?? {}).filter(([, value]) => value !== null));
  const parsed = schema.safeParse(given);
  if (!parsed.success)
    throw new ConfigError(
      config.source,
      parsed.error.issues.map((issue) => `${SETTING}.${issuePath(issue)}: ${issue.message}`),
    );
  const { teams = [], ...user } = parsed.data;
  return {
    user,
    teams: teams.map((team) => ({
      team_id: team.team_id,
      role: ('user_role' in team && team.user_role) || 'user',
      maxBudgetInTeam: 'max_budget_in_team' in team ? team.max_budget_in_team : undefined,
    })),
  };
}
