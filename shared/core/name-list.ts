// How a list of model names reads in an error message: a wildcard deployment may serve thousands.

/** Names an error message lists at most. */
const NAMED_IN_MESSAGES = 20;

/** Model names for an error message: all of a few, the first of many and how many more `GET /v1/models` lists. */
export function nameList(names: readonly string[], none: string): string {
  if (!names.length) return none;
  if (names.length <= NAMED_IN_MESSAGES) return names.join(', ');
  return `${names.slice(0, NAMED_IN_MESSAGES).join(', ')} and ${names.length - NAMED_IN_MESSAGES} more (GET /v1/models lists them all)`;
}
