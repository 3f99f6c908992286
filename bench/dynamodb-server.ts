// The identity table's DynamoDB for a benchmark run: dynalite in memory, in its own process on
// 127.0.0.1:PORT, so its CPU is not Tollgate's (on Lambda, DynamoDB is a network round trip away too).
// Tollgate's local server reaches it through DYNAMODB_ENDPOINT and creates its table on start.
// DELAY_MS (default 0) holds every call that long before dynalite takes it: DynamoDB in AWS answers in
// a few ms, dynalite on loopback in well under one, so only with a delay does the number of round trips
// a request waits for show in its latency.
import type { IncomingMessage, ServerResponse } from 'node:http';
import dynalite from 'dynalite';

if (import.meta.main) {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const delayMs = Number(process.env['DELAY_MS'] || 0);
  if (delayMs > 0) {
    const [handle] = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => setTimeout(() => handle!.call(server, req, res), delayMs));
  }
  server.listen(Number(process.env['PORT']), '127.0.0.1');
}
