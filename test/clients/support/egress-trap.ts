// An HTTP proxy on 127.0.0.1 that lets nothing through: a client process gets it as HTTPS_PROXY and
// HTTP_PROXY (loopback exempted by NO_PROXY), so any attempt to reach a host other than the gateway
// (telemetry, update checks, the real API) is refused here and recorded for the test to assert on.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EgressTrap {
  url: string;
  /** `CONNECT host:port` or `GET http://...` for every attempt, in order. */
  attempts: string[];
  close(): Promise<void>;
}

export async function startEgressTrap(): Promise<EgressTrap> {
  const attempts: string[] = [];
  const server = createServer((req, res) => {
    attempts.push(`${req.method} ${req.url}`);
    res.writeHead(403).end();
  });
  server.on('connect', (req, socket) => {
    attempts.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    attempts,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
