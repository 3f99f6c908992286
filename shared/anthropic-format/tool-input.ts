import { nestsTooDeep } from '../core/json-depth.ts';

// A tool call's OpenAI `arguments` (a JSON string) as Anthropic's `input` (an object).
export function toolInput(args: string): unknown {
  if (!args.trim()) return {};
  // Broken JSON, or JSON too deep to serialize again safely (json-depth.ts): models sometimes emit
  // it; keep what they said rather than fail the whole answer.
  if (nestsTooDeep(args)) return { _raw_arguments: args };
  try {
    return JSON.parse(args);
  } catch {
    return { _raw_arguments: args };
  }
}
