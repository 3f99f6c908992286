// The one upstream every benchmark target calls: a local server on 127.0.0.1 that answers OpenAI chat,
// Anthropic Messages and Gemini generateContent requests with the wire-format fixtures the provider
// tests use, after a fixed latency. The first path segment picks how it streams:
//   /fast/v1/...   every SSE event written at once (throughput runs)
//   /paced/v1/...  events GAP_MS apart (to see whether a gateway forwards them one by one)
// Run as its own process (`node bench/fake-upstream.ts`, PORT, LATENCY_MS, GAP_MS) so its CPU is not
// the load generator's or the gateway's.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const fixture = (path: string) => readFileSync(new URL(`../test/fixtures/${path}`, import.meta.url), 'utf8');
/** Fixture SSE bodies as the events a real upstream writes one at a time. */
const events = (text: string) =>
  text
    .split(/\n\n+/)
    .filter((event) => event.trim())
    .map((event) => `${event}\n\n`);

const ANSWERS = {
  openai: { json: fixture('openai/chat-completion.json'), events: events(fixture('openai/chat-stream.sse')) },
  anthropic: { json: fixture('anthropic/message-text.json'), events: events(fixture('anthropic/stream-text.sse')) },
  gemini: { json: fixture('gemini/generate-text.json'), events: events(fixture('gemini/stream-text.sse')) },
};

/** Which API a path belongs to, and whether it streams (Gemini says so in the path, the others in the body). */
function route(path: string, body: string): { format: keyof typeof ANSWERS; stream: boolean } | undefined {
  const streamField = () => (JSON.parse(body) as { stream?: boolean }).stream === true;
  if (path.endsWith('/v1/chat/completions')) return { format: 'openai', stream: streamField() };
  if (path.endsWith('/v1/messages')) return { format: 'anthropic', stream: streamField() };
  if (path.includes('/v1beta/models/') && path.endsWith(':generateContent')) return { format: 'gemini', stream: false };
  if (path.includes('/v1beta/models/') && path.endsWith(':streamGenerateContent?alt=sse')) return { format: 'gemini', stream: true };
  return undefined;
}

export interface UpstreamTiming {
  /** Before the response headers. */
  latencyMs: number;
  /** Between SSE events on /paced/. */
  gapMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function fakeUpstream(timing: UpstreamTiming) {
  return createServer((req, res) => void answer(req, res, timing));
}

async function answer(req: IncomingMessage, res: ServerResponse, timing: UpstreamTiming): Promise<void> {
  let body = '';
  for await (const chunk of req) body += chunk;
  const url = req.url ?? '';
  const profile = url.split('/')[1];
  const found = route(url, body);
  if (req.method !== 'POST' || !found || (profile !== 'fast' && profile !== 'paced')) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"unknown route"}}');
    return;
  }
  const { format, stream } = found;
  if (timing.latencyMs > 0) await sleep(timing.latencyMs);
  const answers = ANSWERS[format];
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answers.json) }).end(answers.json);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const [i, event] of answers.events.entries()) {
    if (res.destroyed) return;
    if (i > 0 && profile === 'paced') await sleep(timing.gapMs);
    res.write(event);
  }
  res.end();
}

if (import.meta.main) {
  const timing = { latencyMs: Number(process.env['LATENCY_MS'] ?? 1), gapMs: Number(process.env['GAP_MS'] ?? 10) };
  fakeUpstream(timing).listen(Number(process.env['PORT']), '127.0.0.1');
}
