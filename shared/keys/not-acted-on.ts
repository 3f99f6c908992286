// The documented LiteLLM fields of keys, teams, users and customers that Tollgate stores but does not
// act on yet: the admin API answers a request that sets one with a warning naming it.

/** The budgets and rate limits moved out of this list when they were enforced; so will the rest. */
const NOT_ACTED_ON = new Set([
  'allowed_passthrough_routes',
  'config',
  'permissions',
  'enforced_params',
  'send_invite_email',
  'prompts',
  'rpm_limit_type',
  'tpm_limit_type',
  'allowed_vector_store_indexes',
  'router_settings',
  'access_group_ids',
  'team_member_permissions',
  'team_member_key_duration',
  'secret_manager_settings',
  'sso_user_id',
  'organizations',
  'default_model',
  'password',
  'agent_id',
  'project_id',
  'policies',
  'budget_fallbacks',
  'admins',
  'members',
]);

/** One warning per documented field the request set that Tollgate does not act on yet. */
export function notActedOn(input: Record<string, unknown>): string[] {
  return Object.entries(input)
    .filter(([field, value]) => NOT_ACTED_ON.has(field) && value !== null && value !== undefined && !isEmpty(value))
    .map(([field]) => `${field} is accepted but not acted on by Tollgate yet`);
}

function isEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}
