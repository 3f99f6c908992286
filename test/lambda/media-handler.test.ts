// The kinds of calls priced in other units than tokens, through the Lambda entry point: an API
// Gateway REST proxy event → middy streamify handler → the core → a fake OpenAI upstream on
// 127.0.0.1, read back the way API Gateway reads the Lambda response stream.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGatewayEvent, lambdaContext, type EventInput } from '../helpers/apigw-events.ts';
import { installLambdaShim, invokeStreaming } from '../helpers/lambda-stream-shim.ts';
import { sendJson, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

installLambdaShim();

const MASTER = 'sk-lambda-media-master';
const PNG = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');

let upstream: RecordingServer;
let dir: string;
let handler: unknown;

beforeAll(async () => {
  upstream = await startRecordingServer((request, res) => {
    if (request.url === '/v1/images/generations') return sendJson(res, 200, { created: 1, data: [{ b64_json: PNG }] });
    sendJson(res, 404, { error: { message: 'no such route', type: 'invalid_request_error' } });
  });
  dir = mkdtempSync(join(tmpdir(), 'tollgate-lambda-media-'));
  const configPath = join(dir, 'gateway.config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      model_list: [{ model_name: 'painter', litellm_params: { model: 'openai/dall-e-3', api_base: upstream.url, api_key: 'sk-upstream' } }],
      general_settings: { master_key: MASTER },
    }),
  );
  // The module builds its default handler from GATEWAY_CONFIG when first imported.
  process.env['GATEWAY_CONFIG'] = configPath;
  const { createHandler } = await import('../../functions/gateway/handler.ts');
  delete process.env['GATEWAY_CONFIG'];
  handler = createHandler({ configPath, env: () => undefined, logger: new Logger({ serviceName: 'media-test', logLevel: 'SILENT' }) });
});
afterAll(async () => {
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

async function invoke(input: EventInput) {
  const { stream, result } = invokeStreaming(handler, apiGatewayEvent({ ...input, headers: { Authorization: `Bearer ${MASTER}`, ...input.headers } }), lambdaContext());
  await result;
  return { prelude: stream.prelude!, stream };
}

describe('media calls through the Lambda handler', () => {
  it('generates an image, priced per image', async () => {
    const { prelude, stream } = await invoke({ path: '/v1/images/generations', body: { model: 'painter', prompt: 'a fox', response_format: 'b64_json' } });
    expect(prelude.statusCode).toBe(200);
    expect(prelude.headers['x-litellm-response-cost']).toBe('0.04');
    expect(JSON.parse(stream.body).data).toEqual([{ b64_json: PNG }]);
  });
});
