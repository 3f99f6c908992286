// A streamed answer as it goes out, whatever its format: a failure after the first byte (the status
// is already sent) becomes the format's in-band error event and ends the stream; however it ends,
// `closed` runs (to record usage for a stream cut short).
import { asGatewayError, type GatewayError } from '../core/errors.ts';
import type { RequestContext } from '../core/types.ts';

export async function* answerStream(frames: AsyncIterable<string>, ctx: RequestContext, errorFrame: (error: GatewayError) => string, closed: () => void): AsyncGenerator<string> {
  try {
    yield* frames;
  } catch (error) {
    // A client that left ended the stream itself: nothing failed, and nobody is there to tell.
    if (ctx.signal.aborted) return;
    const failure = asGatewayError(error);
    ctx.error = failure;
    ctx.log.warn('stream failed after the first byte', { requestId: ctx.requestId, kind: failure.kind });
    yield errorFrame(failure);
  } finally {
    closed();
  }
}
