// Liveness and readiness probes of the controller: /healthz answers while the process runs,
// /readyz once the informers have synced (and until shutdown).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBindAddress } from '../metrics/bind-address';

export interface HealthServer {
  url: string;
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

export async function startHealthServer(bindAddress: string): Promise<HealthServer> {
  const { host, port } = parseBindAddress(bindAddress);
  let ready = false;
  const server = createServer((req, res) => {
    const ok = req.url === '/healthz' || (req.url === '/readyz' && ready);
    const known = req.url === '/healthz' || req.url === '/readyz';
    res.writeHead(ok ? 200 : known ? 503 : 404, { 'Content-Type': 'text/plain' });
    res.end(ok ? 'ok\n' : known ? 'not ready\n' : 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host ?? '127.0.0.1'}:${actual}`,
    setReady: (value) => {
      ready = value;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
