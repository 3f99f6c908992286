// Server-sent events in Anthropic's framing: each event named by its type.
export function anthropicEvent(event: { type: string }): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
