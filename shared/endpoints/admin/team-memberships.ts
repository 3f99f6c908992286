// LiteLLM's team memberships as /team/info and /user/info show them: each member's own budget within
// the team (`litellm_budget_table`, from member_add/member_update) and what they have spent there (the
// member's counter on the team's item, shared/spend/accounts.ts).
import { memberPrefix } from '../../spend/accounts.ts';
import { counter } from '../../spend/meter-plan.ts';
import type { TeamRecord } from '../../store/records.ts';

/** The team's memberships, or with `userId` only that user's. */
export function membershipsOf(team: TeamRecord, userId?: string) {
  return team.members_with_roles
    .filter((m) => m.user_id && (userId === undefined || m.user_id === userId))
    .map((m) => {
      const own = team.team_memberships?.find((t) => t.user_id === m.user_id);
      const spend = team[counter(memberPrefix(m.user_id!), 'spend')];
      return { user_id: m.user_id, team_id: team.team_id, budget_id: own?.budget_id ?? null, spend: typeof spend === 'number' ? spend : 0, litellm_budget_table: own?.litellm_budget_table ?? null };
    });
}
