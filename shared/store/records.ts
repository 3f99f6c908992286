// What the table holds, in LiteLLM's field names (docs/DATA-MODEL.md). Every record also keeps any
// other documented LiteLLM field it was given, hence the index signatures.

export type Fields = Record<string, unknown>;

export interface KeyRecord {
  /** SHA-256 hex of the raw key; the raw key itself is never stored. */
  token: string;
  /** `sk-...` and the raw key's last 4 characters. */
  key_name: string;
  key_alias: string | null;
  /** Model names the key may call; empty means every model (within its team's). */
  models: string[];
  /** ISO time after which the key stops working; null = never. */
  expires: string | null;
  blocked: boolean | null;
  team_id: string | null;
  user_id: string | null;
  max_budget: number | null;
  soft_budget: number | null;
  budget_duration: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  model_max_budget: Fields;
  model_rpm_limit: Fields;
  model_tpm_limit: Fields;
  metadata: Fields;
  tags: string[];
  allowed_routes: string[];
  spend: number;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
  [field: string]: unknown;
}

export interface TeamMember {
  user_id: string | null;
  user_email: string | null;
  role: 'admin' | 'user';
}

/** LiteLLM's team membership: a member's own limits within the team (`max_budget_in_team`, rpm, tpm). */
export interface TeamMembership {
  user_id: string;
  team_id: string;
  budget_id: string | null;
  litellm_budget_table: Fields | null;
}

export interface TeamRecord {
  team_id: string;
  team_alias: string | null;
  models: string[];
  blocked: boolean;
  members_with_roles: TeamMember[];
  /** Members with limits of their own within the team. */
  team_memberships?: TeamMembership[];
  metadata: Fields;
  spend: number;
  created_at: string;
  updated_at: string;
  [field: string]: unknown;
}

export interface UserRecord {
  user_id: string;
  user_email: string | null;
  user_role: string;
  teams: string[];
  models: string[];
  blocked: boolean;
  metadata: Fields;
  spend: number;
  created_at: string;
  updated_at: string;
  [field: string]: unknown;
}

/** An end user: the `user` a chat request names. */
export interface CustomerRecord {
  user_id: string;
  alias: string | null;
  blocked: boolean;
  spend: number;
  created_at: string;
  updated_at: string;
  [field: string]: unknown;
}

/** An organization: teams belong to one, and its budget counts theirs. */
export interface OrganizationRecord {
  organization_id: string;
  organization_alias: string;
  /** A reusable budget its limits come from, unless set on it. */
  budget_id: string | null;
  models: string[];
  metadata: Fields;
  spend: number;
  members: OrganizationMember[];
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
  [field: string]: unknown;
}

/** LiteLLM's organization membership: who, with which role, and their budget within the organization. */
export interface OrganizationMember {
  user_id: string;
  organization_id: string;
  user_role: 'org_admin' | 'internal_user' | 'internal_user_viewer';
  user_email: string | null;
  spend: number;
  budget_id: string | null;
  litellm_budget_table: Fields | null;
  created_at: string;
  updated_at: string;
}

/** A reusable budget (LiteLLM's budget table): keys, users, customers, teams and organizations name it by `budget_id`. */
export interface BudgetRecord {
  budget_id: string;
  max_budget: number | null;
  soft_budget: number | null;
  max_parallel_requests: number | null;
  tpm_limit: number | null;
  rpm_limit: number | null;
  model_max_budget: Fields | null;
  budget_duration: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
  [field: string]: unknown;
}

/** A tag (LiteLLM's tag table): requests that carry it are charged to it and held to its limits. */
export interface TagRecord {
  name: string;
  description: string | null;
  models: string[] | null;
  model_info: Fields | null;
  budget_id: string | null;
  spend: number;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
  [field: string]: unknown;
}

export interface AuditRecord {
  id: string;
  /** When the change was made: `updated_at` is LiteLLM's name, `created_at` orders the index. */
  created_at: string;
  updated_at: string;
  /** `master`, or the alias (else key name) of the key that made the change. */
  changed_by: string;
  /** Hash of the key that made the change; null for the master key. */
  changed_by_api_key: string | null;
  action: 'created' | 'updated' | 'deleted' | 'blocked' | 'unblocked' | 'rotated';
  table_name: 'key' | 'team' | 'user' | 'customer' | 'organization' | 'budget' | 'tag';
  object_id: string;
  before_value: Fields | null;
  updated_values: Fields | null;
}
