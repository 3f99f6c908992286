// Which routes a virtual key may call, as LiteLLM's `key_type` and `allowed_routes` say: checked on
// every route, after the key is known. `key_type` `llm_api` calls models only, `read_only` reads only,
// `management` manages only, `default` (or none) is not narrowed, as LiteLLM's generates it with no
// `allowed_routes`. A non-empty `allowed_routes` narrows that to the paths (a trailing `*` matches the
// rest) and groups (`llm_api_routes`, `openai_routes`, `info_routes`, `management_routes`) it names.
// Which admin routes a key may call at all is its role's (./roles.ts), checked after this.
import { GatewayError } from '../core/errors.ts';
import type { CalledRoute, RouteGroup } from '../core/types.ts';
import type { KeyRecord } from '../store/records.ts';

const KEY_TYPE_GROUPS: Record<string, RouteGroup[]> = {
  llm_api: ['llm_api'],
  read_only: ['info'],
  management: ['management'],
  default: ['llm_api', 'info', 'management'],
};

/** LiteLLM's names of route groups in `allowed_routes`. */
const GROUP_NAMES: Record<string, RouteGroup> = { llm_api_routes: 'llm_api', openai_routes: 'llm_api', info_routes: 'info', management_routes: 'management' };

export function checkRoute(key: KeyRecord, name: string, route: CalledRoute): void {
  const keyType = typeof key['key_type'] === 'string' ? (key['key_type'] as string) : 'default';
  const groups = KEY_TYPE_GROUPS[keyType] ?? KEY_TYPE_GROUPS['default']!;
  if (!groups.includes(route.group)) {
    throw new GatewayError('permission_denied', `key ${name} has key_type "${keyType}", which may not call ${route.path} (a ${route.group.replace('_', ' ')} route).`);
  }
  const allowed = key.allowed_routes ?? [];
  if (allowed.length && !allowed.some((entry) => matches(entry, route))) {
    throw new GatewayError('permission_denied', `key ${name} may call only its allowed_routes (${allowed.join(', ')}), not ${route.path}.`);
  }
}

function matches(entry: string, route: CalledRoute): boolean {
  if (GROUP_NAMES[entry]) return GROUP_NAMES[entry] === route.group;
  return entry.endsWith('*') ? route.path.startsWith(entry.slice(0, -1)) : entry === route.path;
}
