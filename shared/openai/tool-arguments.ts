// An assistant tool call's `arguments` (a JSON string, as OpenAI sends them) parsed for providers
// that take the call's input as JSON. Blank arguments mean a call with no input.
import { GatewayError } from '../core/errors.ts';

/** `at` names the arguments field (`messages[1].tool_calls[0].function.arguments`) in the 400 invalid JSON gets. */
export function parseToolArguments(args: string, at: string): unknown {
  if (!args || !args.trim()) return {};
  try {
    return JSON.parse(args);
  } catch {
    throw new GatewayError('invalid_request', `${at} is not valid JSON.`, { param: at });
  }
}
