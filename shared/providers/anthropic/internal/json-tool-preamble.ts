// Text a model streams before it calls the JSON tool that stands in for `response_format` is a
// preamble ("I'll check the weather for you."), which the non-streamed answer drops. A stream cannot
// know it is one until the tool call starts, so while the JSON tool may still come, text is held
// back: dropped when the tool call starts, sent when the answer ends without it. The hold is bounded,
// so a model that answers in plain text still streams: past the bound the text is sent on.
const MAX_HELD_CHARS = 4096;

export class JsonToolPreamble {
  private held = '';
  private state: 'holding' | 'dropping' | 'passing';

  /** `jsonTool`: the request's response_format was sent as the JSON tool; without it every text passes. */
  constructor(jsonTool: boolean) {
    this.state = jsonTool ? 'holding' : 'passing';
  }

  /** The text to send now for a text delta ('' while held, and once the JSON tool answered). */
  text(delta: string): string {
    if (this.state === 'passing') return delta;
    if (this.state === 'dropping') return '';
    this.held += delta;
    return this.held.length > MAX_HELD_CHARS ? this.release() : '';
  }

  /** The JSON tool call started: its input is the answer, and text around it is dropped. */
  jsonToolStarted(): void {
    this.held = '';
    this.state = 'dropping';
  }

  /** The answer ended (or a bound was passed) without the JSON tool: the held text, to send now. */
  release(): string {
    const text = this.held;
    this.held = '';
    if (this.state === 'holding') this.state = 'passing';
    return text;
  }
}
