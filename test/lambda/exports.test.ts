// On Lambda an instance is frozen between invocations, so exports queued by a request must be sent
// before its invocation ends; and GET /metrics is behind the master key there whatever the config says.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGatewayEvent, lambdaContext } from '../helpers/apigw-events.ts';
import { startFakeCollector, type FakeCollector } from '../helpers/fake-otlp-collector.ts';
import { installLambdaShim, invokeStreaming } from '../helpers/lambda-stream-shim.ts';

const MASTER = 'sk-lambda-exports-master';
const configPath = join(mkdtempSync(join(tmpdir(), 'tollgate-exports-')), 'gateway.config.json');
writeFileSync(
  configPath,
  JSON.stringify({
    model_list: [{ model_name: 'mock', litellm_params: { model: 'mock/x' } }],
    litellm_settings: { callbacks: ['otel', 'prometheus'] },
    general_settings: { master_key: 'os.environ/TOLLGATE_MASTER_KEY' },
  }),
);
process.env['GATEWAY_CONFIG'] = configPath;
process.env['TOLLGATE_MASTER_KEY'] = MASTER;
installLambdaShim();
const { createHandler } = await import('../../functions/gateway/handler.ts');

let collector: FakeCollector;
let handler: unknown;
beforeAll(async () => {
  collector = await startFakeCollector();
  const env: Record<string, string> = { TOLLGATE_MASTER_KEY: MASTER, OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
  handler = createHandler({ configPath, env: (name) => env[name] });
});
afterAll(() => collector.close());

describe('exports from the gateway Lambda', () => {
  it('sends the request span before the invocation ends', async () => {
    const { stream, result } = invokeStreaming(
      handler,
      apiGatewayEvent({ headers: { Authorization: `Bearer ${MASTER}` }, body: { model: 'mock', stream: true, messages: [{ role: 'user', content: 'traced?' }] } }),
      lambdaContext(),
    );
    await result;
    expect(stream.prelude!.statusCode).toBe(200);
    const requestId = stream.prelude!.headers['x-tollgate-request-id'];
    // No waiting: the invocation itself flushed.
    const span = collector.spans.find((s) => s.attributes['tollgate.request_id'] === requestId);
    expect(span).toMatchObject({ encoding: 'application/json', name: 'chat mock', attributes: { 'gen_ai.request.model': 'mock', 'tollgate.stream': true } });
  });

  it('serves GET /metrics to the master key only', async () => {
    const scrape = async (headers: Record<string, string>) => {
      const { stream, result } = invokeStreaming(handler, apiGatewayEvent({ method: 'GET', path: '/metrics', headers }), lambdaContext());
      await result;
      return { status: stream.prelude!.statusCode, body: stream.body };
    };
    expect((await scrape({})).status).toBe(401);
    const scraped = await scrape({ Authorization: `Bearer ${MASTER}` });
    expect(scraped.status).toBe(200);
    expect(scraped.body).toContain('litellm_proxy_total_requests_metric_total');
  });
});
