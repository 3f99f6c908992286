// What the gateway asks of each exporter (Prometheus, OpenTelemetry, Langfuse, S3, a generic API):
// take a finished call's log without waiting, and send what it holds when asked to flush.
import type { CallLog } from './call-log.ts';

export interface Exporter {
  /** Never waits, never throws: the call is counted, or queued to be sent. */
  record(call: CallLog): void;
  /** Sends what is queued; resolves once it is sent or dropped, never rejects. */
  flush(): Promise<void>;
}
