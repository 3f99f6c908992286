// A token count an upstream reported, as a number to add up: absent is 0, and anything that is not a
// number (a string, an object) is NaN, never an exception mid-sum, so the usage check
// (shared/pricing/usage-check.ts) finds it and the request is charged an estimate instead.
export function tokenCount(value: unknown): number {
  if (value === undefined || value === null) return 0;
  return typeof value === 'number' ? value : Number.NaN;
}
