// The web UI's playground chat through the gateway Lambda's streamify handler, as the stack routes it
// (infra/tollgate-stack.ts: POST /ui/api/playground/chat to the gateway function's stream, where the
// admin function answers whole): a session the admin side signed in (the cookie, signed with the
// gateway's secret) chats as a key it names by hash, and the answer's chunks reach the client while the
// upstream is still producing it. A session alone still calls no model.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { virtualKeyOptions } from '../../shared/keys/gateway-options.ts';
import { keysService } from '../../shared/keys/service.ts';
import { PLAYGROUND_API } from '../../shared/ui/playground-api.ts';
import { SessionCookies, sessionSecret } from '../../shared/ui/session-cookies.ts';
import { apiGatewayEvent, lambdaContext } from '../helpers/apigw-events.ts';
import { recordingLog } from '../helpers/gateway.ts';
import { openTestStore, startDynamo } from '../helpers/identity.ts';
import { installLambdaShim, invokeStreaming } from '../helpers/lambda-stream-shim.ts';

// middy calls awslambda.streamifyResponse when the handler module is imported: install first, import later.
installLambdaShim();

const MASTER_KEY = `sk-lambda-playground-${randomUUID()}`;
const PIECES = ['Hel', 'lo', ' from', ' the', ' stream'];

let dynamo: EmbeddedDynamo;
let upstream: Server;
let dir: string;
let handler: unknown;
/** When the upstream wrote its last piece (performance.now()). */
let lastPieceAt = 0;
let keyHash = '';
let session: { cookie: string; csrf: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  // An OpenAI-compatible upstream streaming its pieces a little apart.
  upstream = createServer(async (req, res) => {
    for await (const _ of req);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const event = (delta: Record<string, unknown>, finish: string | null = null) =>
      res.write(
        `data: ${JSON.stringify({ id: 'chatcmpl-pg', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'stream-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
      );
    event({ role: 'assistant', content: '' });
    for (const piece of PIECES) {
      await sleep(100);
      lastPieceAt = performance.now();
      event({ content: piece });
    }
    event({}, 'stop');
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  dynamo = await startDynamo();
  const store = await openTestStore(dynamo.endpoint);
  dir = mkdtempSync(join(tmpdir(), 'tollgate-lambda-playground-'));
  const configPath = join(dir, 'gateway.config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      model_list: [{ model_name: 'fake-stream', litellm_params: { model: 'hosted_vllm/stream-model', api_base: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` } }],
      general_settings: { master_key: MASTER_KEY },
    }),
  );
  process.env['GATEWAY_CONFIG'] = configPath;
  process.env['POWERTOOLS_DEV'] = 'true';
  for (const level of ['debug', 'info', 'warn', 'error', 'log'] as const) vi.spyOn(console, level).mockImplementation(() => {});
  const mod = await import('../../functions/gateway/handler.ts');
  // As awsDefaults() builds it with a table: virtual keys, and the UI without its files (the playground's chat only).
  handler = mod.createHandler({ configPath, env: () => undefined, ...virtualKeyOptions(store), ui: { env: () => undefined }, adminApi: PLAYGROUND_API });
  keyHash = (await keysService(store, recordingLog()).keys.generate({ key_alias: 'playground-key' }, { name: 'master', token: null, requestId: 'test' })).token;
  // A master-key sign-in, as the admin function's /ui/api/sign-in makes it.
  const issued = new SessionCookies(sessionSecret(() => undefined, MASTER_KEY)).issue({ userId: null, role: 'proxy_admin' }, true);
  session = { cookie: issued.setCookie.split(';')[0]!, csrf: issued.session.csrf };
}, 60_000);

afterAll(async () => {
  vi.restoreAllMocks();
  // The module built its default handler from this file's config when first imported: a later file in this worker imports it afresh.
  vi.resetModules();
  await new Promise((resolve) => upstream?.close(resolve));
  await dynamo?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  delete process.env['GATEWAY_CONFIG'];
  delete process.env['POWERTOOLS_DEV'];
});

async function invoke(path: string, headers: Record<string, string>, body: unknown) {
  const { stream, result } = invokeStreaming(handler, apiGatewayEvent({ path, headers, body }), lambdaContext());
  await result;
  return stream;
}

describe('the playground chat on the gateway Lambda', () => {
  it('streams the answer: its first chunk reaches the client before the upstream has produced the last', async () => {
    const stream = await invoke(
      '/ui/api/playground/chat',
      { cookie: session.cookie, 'x-csrf-token': session.csrf },
      { key: keyHash, model: 'fake-stream', messages: [{ role: 'user', content: 'hi' }] },
    );
    expect(stream.prelude!.statusCode).toBe(200);
    expect(stream.prelude!.headers['content-type']).toMatch(/^text\/event-stream/);
    const arrivals = stream.chunks.flatMap((chunk) =>
      chunk.text
        .split('\n')
        .filter((line) => line.startsWith('data: {'))
        .map((line) => ({ at: chunk.at, content: (JSON.parse(line.slice(6)) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '' }))
        .filter((arrival) => arrival.content),
    );
    expect(arrivals.map((arrival) => arrival.content).join('')).toBe(PIECES.join(''));
    expect(arrivals[0]!.at).toBeLessThan(lastPieceAt);
    expect(stream.body.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('refuses without a session, or without its CSRF token', async () => {
    const body = { key: keyHash, model: 'fake-stream', messages: [{ role: 'user', content: 'hi' }] };
    expect((await invoke('/ui/api/playground/chat', {}, body)).prelude!.statusCode).toBe(401);
    expect((await invoke('/ui/api/playground/chat', { cookie: session.cookie }, body)).prelude!.statusCode).toBe(403);
  });

  it('lets the session call no model itself', async () => {
    const stream = await invoke('/v1/chat/completions', { cookie: session.cookie, 'x-csrf-token': session.csrf }, { model: 'fake-stream', messages: [{ role: 'user', content: 'hi' }] });
    expect(stream.prelude!.statusCode).toBe(401);
  });
});
