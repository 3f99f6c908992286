// LiteLLM's budget fields as a new record holds them before an admin sets any: no budget, no limits.
export const NO_LIMITS = {
  max_budget: null,
  soft_budget: null,
  budget_duration: null,
  rpm_limit: null,
  tpm_limit: null,
  max_parallel_requests: null,
} as const;
