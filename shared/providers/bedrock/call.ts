// The abort signal one Bedrock call runs under: it fires when the client leaves, when the gateway's
// deadline passes (re-armed per stream event, so it measures silence), or when the consumer stops
// reading a stream. The SDK cancels the HTTP/2 stream when it fires.

export class CallSignal {
  private readonly deadlineController = new AbortController();
  private readonly stopController = new AbortController();
  private timer?: NodeJS.Timeout;
  /** Aborted when the timeout ran out, as opposed to the client leaving. */
  readonly deadline = this.deadlineController.signal;
  readonly signal: AbortSignal;

  constructor(readonly clientSignal: AbortSignal) {
    this.signal = AbortSignal.any([clientSignal, this.deadline, this.stopController.signal]);
  }

  /** Starts (or restarts) the deadline `ms` from now. */
  arm(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.deadlineController.abort(), ms);
  }

  /** The call is over: no deadline, and an upstream still sending is cancelled. */
  stop(): void {
    clearTimeout(this.timer);
    this.stopController.abort();
  }
}
