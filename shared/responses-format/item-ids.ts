// Ids of what the gateway makes on the Responses API, in OpenAI's form: a prefix per kind
// (`resp_`, `msg_`, `fc_`, `rs_`, `mcp_`) and random hex.
import { randomBytes } from 'node:crypto';

export type ItemPrefix = 'resp' | 'msg' | 'fc' | 'rs' | 'mcp';

export function itemId(prefix: ItemPrefix): string {
  return `${prefix}_${randomBytes(24).toString('hex')}`;
}

/** A new id of the same kind as `id` (its prefix kept, whatever the kind: `ws_`, `ci_`, ...). */
export function idLike(id: string): string {
  return `${id.slice(0, Math.max(id.indexOf('_'), 0)) || 'item'}_${randomBytes(24).toString('hex')}`;
}
