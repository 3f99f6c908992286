// The fake upstream for Bedrock rows (item 3): the tests' fake Bedrock Runtime (h2c, Converse JSON,
// ConverseStream event-stream frames from test/fixtures/bedrock) in its own process, answering after
// LATENCY_MS like bench/fake-upstream.ts. It tells its parent its URL over IPC.
import { readFileSync } from 'node:fs';
import { sendBedrockJson, sendEventStream, startFakeBedrock } from '../test/helpers/fake-bedrock.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../test/fixtures/bedrock/${name}`, import.meta.url), 'utf8'));

if (import.meta.main) {
  const latencyMs = Number(process.env['LATENCY_MS'] ?? 1);
  const converse = fixture('converse-text.json');
  const frames = fixture('stream-text.json');
  const fake = await startFakeBedrock(async (request, res) => {
    // The fake records requests for tests; a benchmark sends thousands, so keep none.
    fake.requests.length = 0;
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (request.operation === 'converse-stream') await sendEventStream(res, frames);
    else sendBedrockJson(res, converse);
  });
  process.send!({ url: fake.url });
  process.once('disconnect', () => void fake.close().then(() => process.exit(0)));
}
