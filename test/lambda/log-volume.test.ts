// The bytes the gateway function logs per request (its access log line and its EMF metrics record), which
// CloudWatch Logs bills by: the cost model's figure (infra/cost/measured.ts, LOG_BYTES.gateway) must stay
// within a quarter of what one warm request writes here.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { LOG_BYTES } from '../../infra/cost/measured.ts';
import { apiGatewayEvent, lambdaContext } from '../helpers/apigw-events.ts';
import { installLambdaShim, invokeStreaming } from '../helpers/lambda-stream-shim.ts';

const configPath = join(mkdtempSync(join(tmpdir(), 'tollgate-logs-')), 'gateway.config.json');
writeFileSync(configPath, JSON.stringify({ model_list: [{ model_name: 'mock', litellm_params: { model: 'mock/x' } }], general_settings: { master_key: 'os.environ/TOLLGATE_MASTER_KEY' } }));
process.env['GATEWAY_CONFIG'] = configPath;
process.env['TOLLGATE_MASTER_KEY'] = 'sk-log-volume-key';
installLambdaShim();
const { createHandler } = await import('../../functions/gateway/handler.ts');

describe('what the gateway function logs per request', () => {
  it('is about the bytes the cost model charges for', async () => {
    const metrics = new Metrics({ namespace: 'Tollgate', serviceName: 'tollgate-gateway' });
    const handler = createHandler({ configPath, env: (n) => (n === 'TOLLGATE_MASTER_KEY' ? 'sk-log-volume-key' : undefined), metrics });
    const chat = async () => {
      const event = apiGatewayEvent({ headers: { Authorization: 'Bearer sk-log-volume-key' }, body: { model: 'mock', stream: true, messages: [{ role: 'user', content: 'How much do you log?' }] } });
      const { stream, result } = invokeStreaming(handler, event, lambdaContext());
      await result;
      return stream.prelude!.statusCode;
    };
    let bytes = 0;
    const count = (text: string) => void (bytes += Buffer.byteLength(text.endsWith('\n') ? text : `${text}\n`));
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      count(String(chunk));
      return true;
    });
    const logs = (['log', 'info', 'warn', 'error'] as const).map((level) => vi.spyOn(console, level).mockImplementation((...args: unknown[]) => count(args.map(String).join(' '))));
    try {
      expect(await chat()).toBe(200); // the first invocation also logs the cold start
      bytes = 0;
      expect(await chat()).toBe(200);
    } finally {
      stdout.mockRestore();
      for (const spy of logs) spy.mockRestore();
    }
    expect(bytes, `${bytes} bytes logged`).toBeGreaterThan(LOG_BYTES.gateway * 0.75);
    expect(bytes, `${bytes} bytes logged`).toBeLessThan(LOG_BYTES.gateway * 1.25);
  });
});
