// An assistant tool call's `arguments` (a JSON string, as OpenAI sends them) parsed for providers
// that take the call's input as JSON. Blank arguments mean a call with no input.
import { GatewayError } from '../core/errors.ts';
import { MAX_JSON_DEPTH, nestsTooDeep } from '../core/json-depth.ts';

/** `at` names the arguments field (`messages[1].tool_calls[0].function.arguments`) in the 400 invalid JSON gets. */
export function parseToolArguments(args: string, at: string): unknown {
  if (!args?.trim()) return {};
  // JSON inside a string escapes the body's depth check: nested thousands deep, it would overflow the
  // stack where the provider's request is serialized.
  if (nestsTooDeep(args)) throw new GatewayError('invalid_request', `${at} nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`, { param: at });
  try {
    return JSON.parse(args);
  } catch {
    throw new GatewayError('invalid_request', `${at} is not valid JSON.`, { param: at });
  }
}
