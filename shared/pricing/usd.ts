// Dollar amounts as Tollgate keeps them: whole nano-dollars, as costs are priced, so that DynamoDB
// sums them exactly and JSON stays short.
export function usd(amount: number): number {
  return Math.round(amount * 1e9) / 1e9;
}

/** An amount as messages and alerts show it: to the micro-dollar. */
export function shownUsd(amount: number): number {
  return Math.round(amount * 1e6) / 1e6;
}
