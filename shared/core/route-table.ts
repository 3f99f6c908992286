// Method + path → route. Route modules register here; the gateway looks requests up here.
import { GatewayError } from './errors.ts';
import type { Route } from './types.ts';

interface Entry {
  route: Route;
  segments: string[];
}

export type RouteMatch = { kind: 'found'; route: Route; params: Record<string, string> } | { kind: 'wrong_method'; allowed: string[] } | { kind: 'none' };

export class RouteTable {
  private readonly exact = new Map<string, Map<string, Route>>();
  private readonly patterns: Entry[] = [];

  add(...routes: Route[]): this {
    for (const route of routes) {
      for (const path of route.paths) {
        if (path.includes('{')) {
          this.patterns.push({ route, segments: path.split('/') });
          continue;
        }
        const byMethod = this.exact.get(path) ?? new Map<string, Route>();
        if (byMethod.has(route.method)) throw new Error(`Route ${route.method} ${path} is registered twice`);
        byMethod.set(route.method, route);
        this.exact.set(path, byMethod);
      }
    }
    return this;
  }

  /** HEAD is answered by the GET route (the gateway sends its headers without the body). */
  match(requestMethod: string, path: string): RouteMatch {
    const method = requestMethod === 'HEAD' ? 'GET' : requestMethod;
    const normalized = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    const byMethod = this.exact.get(normalized);
    if (byMethod) {
      const route = byMethod.get(method);
      return route ? { kind: 'found', route, params: {} } : { kind: 'wrong_method', allowed: [...byMethod.keys()] };
    }
    const segments = normalized.split('/');
    const allowed: string[] = [];
    for (const entry of this.patterns) {
      const params = matchSegments(entry.segments, segments);
      if (!params) continue;
      if (entry.route.method === method) return { kind: 'found', route: entry.route, params };
      allowed.push(entry.route.method);
    }
    return allowed.length ? { kind: 'wrong_method', allowed } : { kind: 'none' };
  }
}

/** A `{name}` segment, or `{name}:method` (a literal suffix after the parameter). */
const PARAM_SEGMENT = /^\{(\w+)\}(.*)$/;

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const param = PARAM_SEGMENT.exec(p);
    if (param) {
      // Google's paths put the method after the resource in one segment (`{model}:generateContent`).
      const [, name, suffix] = param;
      const segment = actual[i]!;
      if (segment.length <= suffix!.length || !segment.endsWith(suffix!)) return undefined;
      params[name!] = decodeSegment(segment.slice(0, segment.length - suffix!.length));
    } else if (p !== actual[i]) {
      return undefined;
    }
  }
  return params;
}

/** Broken percent-encoding (`%E0%A4%A`) is the client's 400, not the URIError's 500; the segment may be a key, so it is not echoed. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new GatewayError('invalid_request', 'A path segment has broken percent-encoding: each % must start a %XX escape of UTF-8 bytes.');
  }
}
