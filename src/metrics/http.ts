// The /metrics endpoint of both processes (controller and worker), on node:http so it needs
// nothing beyond the registry. The worker passes `extraText` to append the Temporal SDK's own
// Prometheus text (the SDK runtime serves it on a separate port), so one scrape gets both.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { silentLogger, type Logger } from '../logging/logger';
import { parseBindAddress } from './bind-address';

export interface MetricsServerOptions {
  registry: Registry;
  /** ":8080", "127.0.0.1:9090", "[::1]:0" ... (see bind-address.ts). */
  bindAddress: string;
  /** More Prometheus text appended to the registry's, e.g. proxied Temporal SDK metrics. */
  extraText?: () => Promise<string>;
  logger?: Logger;
}

export interface MetricsServer {
  /** URL of the /metrics endpoint, usable from this host. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export const METRICS_PATH = '/metrics';

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { host, port } = parseBindAddress(options.bindAddress);
  const logger = options.logger ?? silentLogger;
  const server = createServer((req, res) => {
    handle(req, res, options, logger).catch((err: unknown) => {
      logger.error('metrics request failed', { error: err });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('failed to collect metrics\n');
    });
  });

  await new Promise<void>((resolve, reject) => {
    const failed = (err: Error) =>
      reject(new Error(`metrics server cannot listen on ${options.bindAddress}: ${err.message}`));
    server.once('error', failed);
    server.listen({ host, port }, () => {
      server.off('error', failed);
      server.on('error', (err) => logger.error('metrics server error', { error: err }));
      resolve();
    });
  });

  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${reachableHost(address)}:${address.port}${METRICS_PATH}`,
    port: address.port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive connections of a scraper would otherwise hold close() open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: MetricsServerOptions,
  logger: Logger,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://metrics.invalid').pathname;
  if (path !== METRICS_PATH) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`not found; metrics are at ${METRICS_PATH}\n`);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('method not allowed\n');
    return;
  }
  let body = await options.registry.metrics();
  if (options.extraText) {
    body = joinExpositions(body, await extraOrComment(options.extraText, logger));
  }
  res.writeHead(200, { 'Content-Type': options.registry.contentType });
  res.end(req.method === 'HEAD' ? undefined : body);
}

// The autoscaler's own metrics matter more than the proxied ones: if the extra source fails,
// serve ours with a comment (Prometheus ignores it) instead of failing the whole scrape.
async function extraOrComment(extraText: () => Promise<string>, logger: Logger): Promise<string> {
  try {
    return await extraText();
  } catch (err) {
    logger.warn('extra metrics unavailable', { error: err });
    const message = err instanceof Error ? err.message : String(err);
    return `# extra metrics unavailable: ${message.replace(/\s+/g, ' ')}\n`;
  }
}

function joinExpositions(first: string, second: string): string {
  if (second === '') return first;
  const separator = first === '' || first.endsWith('\n') ? '' : '\n';
  return first + separator + (second.endsWith('\n') ? second : second + '\n');
}

// A server bound to all interfaces is reached through loopback of the same family.
function reachableHost(address: AddressInfo): string {
  if (address.address === '0.0.0.0') return '127.0.0.1';
  if (address.address === '::') return '[::1]';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}
