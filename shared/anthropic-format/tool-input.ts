// A tool call's OpenAI `arguments` (a JSON string) as Anthropic's `input` (an object).
export function toolInput(args: string): unknown {
  if (!args.trim()) return {};
  try {
    return JSON.parse(args);
  } catch {
    // Models sometimes emit broken JSON; keep what they said rather than fail the whole answer.
    return { _raw_arguments: args };
  }
}
