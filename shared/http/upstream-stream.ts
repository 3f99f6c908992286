// An upstream's SSE body, translated by a provider into whatever it yields, with the failure handling
// every streaming provider needs: unreadable events and cut connections become gateway errors, and a
// consumer that stops early (client gone) frees the connection instead of draining it.
import { GatewayError } from '../core/errors.ts';
import { sseEvents, type SseEvent } from './sse-events.ts';
import { connectionError, type UpstreamBody, type UpstreamRequest } from './upstream.ts';

export async function* translateUpstreamStream<T>(
  body: UpstreamBody,
  upstream: UpstreamRequest,
  provider: string,
  translate: (events: AsyncIterable<SseEvent>) => AsyncIterable<T>,
): AsyncGenerator<T> {
  let finished = false;
  try {
    yield* translate(sseEvents(body));
    finished = true;
  } catch (error) {
    // Not JSON, or JSON of a shape the translation cannot read: the upstream's fault (a lost connection fails otherwise).
    if (error instanceof SyntaxError || error instanceof TypeError) {
      throw new GatewayError('upstream_error', `${provider} sent a stream event that is not valid JSON in its streaming format.`, { cause: error });
    }
    throw connectionError(error, upstream);
  } finally {
    if (!finished) body.destroy();
  }
}
