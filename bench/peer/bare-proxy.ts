// The floor for any Node gateway on this machine: node:http in, undici out (what Tollgate uses), no
// auth, no parsing, no routing, bytes piped both ways. What a gateway adds beyond this row is its own
// work; what this row adds over "direct" is the cost of one more HTTP hop through a Node process.
// Run as its own process: `node bench/peer/bare-proxy.ts` with PORT and UPSTREAM (origin).
import { createServer } from 'node:http';
import { Agent, request } from 'undici';

if (import.meta.main) {
  const upstream = process.env['UPSTREAM']!;
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 256 });
  createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const chunk of req) parts.push(chunk as Buffer);
    try {
      const answer = await request(`${upstream}${req.url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
        body: Buffer.concat(parts),
        dispatcher,
      });
      res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'application/json') });
      for await (const chunk of answer.body) res.write(chunk);
      res.end();
    } catch {
      res.writeHead(502).end();
    }
  }).listen(Number(process.env['PORT']), '127.0.0.1');
}
