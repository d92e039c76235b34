// The /metrics endpoint over real HTTP on 127.0.0.1, port 0.
import { Gauge, Registry } from 'prom-client';
import { createLogger } from '../../../src/logging/logger';
import { proxyMetricsText } from '../../../src/metrics/fetch-metrics-text';
import { startMetricsServer, type MetricsServer } from '../../../src/metrics/http';
import { freshMetrics } from './support';

const BLOCKED_SAMPLE =
  'vpsie_autoscaler_scale_down_blocked_total{nodegroup="workers",namespace="prod",reason="pdb"} 1';

const servers: MetricsServer[] = [];
async function start(options: Parameters<typeof startMetricsServer>[0]) {
  const server = await startMetricsServer(options);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function recorded() {
  const { registry, metrics } = freshMetrics();
  metrics.recordScaleDownBlocked({ nodeGroup: 'workers', namespace: 'prod', reason: 'pdb' });
  return { registry, metrics };
}

test('serves the registry on /metrics with its content type', async () => {
  const { registry } = recorded();
  const server = await start({ registry, bindAddress: '127.0.0.1:0' });
  expect(server.port).toBeGreaterThan(0);
  expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);

  const response = await fetch(server.url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe(registry.contentType);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  expect(text).toContain(BLOCKED_SAMPLE);
  expect(text).toContain('# TYPE vpsie_autoscaler_node_drain_duration_seconds histogram');
});

test('each scrape shows the current values', async () => {
  const { registry, metrics } = recorded();
  const server = await start({ registry, bindAddress: '127.0.0.1:0' });
  await fetch(server.url).then((r) => r.text());
  metrics.recordScaleDownBlocked({ nodeGroup: 'workers', namespace: 'prod', reason: 'pdb' });
  expect(await fetch(server.url).then((r) => r.text())).toContain(
    BLOCKED_SAMPLE.replace(/1$/, '2'),
  );
});

test('ignores a query string but answers 404 on any other path', async () => {
  const { registry } = recorded();
  const server = await start({ registry, bindAddress: '127.0.0.1:0' });
  const base = `http://127.0.0.1:${server.port}`;
  expect((await fetch(`${base}/metrics?x=1`)).status).toBe(200);
  for (const path of ['/', '/metricsx', '/metrics/', '/healthz']) {
    const response = await fetch(base + path);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('vpsie_autoscaler_');
  }
});

test('answers 405 to methods other than GET and HEAD', async () => {
  const { registry } = recorded();
  const server = await start({ registry, bindAddress: '127.0.0.1:0' });
  const post = await fetch(server.url, { method: 'POST', body: 'x' });
  expect(post.status).toBe(405);
  expect(post.headers.get('allow')).toBe('GET, HEAD');
  const head = await fetch(server.url, { method: 'HEAD' });
  expect(head.status).toBe(200);
  expect(await head.text()).toBe('');
});

test('appends extraText after the registry text', async () => {
  const { registry } = recorded();
  const extra =
    '# TYPE temporal_worker_task_slots_available gauge\ntemporal_worker_task_slots_available 5';
  const server = await start({
    registry,
    bindAddress: '127.0.0.1:0',
    extraText: async () => extra,
  });
  const text = await fetch(server.url).then((r) => r.text());
  expect(text).toContain(BLOCKED_SAMPLE);
  expect(text.endsWith(`\n${extra}\n`)).toBe(true);
});

test('proxies another metrics endpoint, as the worker does with the Temporal SDK', async () => {
  const upstreamRegistry = new Registry();
  new Gauge({ name: 'temporal_fake_gauge', help: 'upstream', registers: [upstreamRegistry] }).set(
    7,
  );
  const upstream = await start({ registry: upstreamRegistry, bindAddress: '127.0.0.1:0' });
  const { registry } = recorded();
  const server = await start({
    registry,
    bindAddress: '127.0.0.1:0',
    extraText: proxyMetricsText(upstream.url, 2000),
  });
  const text = await fetch(server.url).then((r) => r.text());
  expect(text).toContain(BLOCKED_SAMPLE);
  expect(text).toContain('temporal_fake_gauge 7');
});

test('still serves our metrics when extraText fails, with a comment and a warning', async () => {
  const upstream = await start({ registry: new Registry(), bindAddress: '127.0.0.1:0' });
  const { registry } = recorded();
  const lines: string[] = [];
  const logger = createLogger({ write: (l) => lines.push(l) });
  const server = await start({
    registry,
    bindAddress: '127.0.0.1:0',
    extraText: proxyMetricsText(upstream.url.replace('/metrics', '/missing'), 2000),
    logger,
  });
  const response = await fetch(server.url);
  expect(response.status).toBe(200);
  const text = await response.text();
  expect(text).toContain(BLOCKED_SAMPLE);
  expect(text).toMatch(
    /^# extra metrics unavailable: GET http:\/\/127\.0\.0\.1:\d+\/missing answered 404$/m,
  );
  expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['extra metrics unavailable']);
});

test('answers 500 when the registry cannot be collected', async () => {
  const registry = new Registry();
  new Gauge({
    name: 'broken',
    help: 'collect throws',
    registers: [registry],
    collect() {
      throw new Error('collector broke');
    },
  });
  const lines: string[] = [];
  const server = await start({
    registry,
    bindAddress: '127.0.0.1:0',
    logger: createLogger({ write: (l) => lines.push(l) }),
  });
  const response = await fetch(server.url);
  expect(response.status).toBe(500);
  expect(await response.text()).toBe('failed to collect metrics\n');
  expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', msg: 'metrics request failed' });
});

test('binds all interfaces for ":0" and is reachable through loopback', async () => {
  const { registry } = recorded();
  const server = await start({ registry, bindAddress: ':0' });
  expect(server.url).toMatch(/^http:\/\/(127\.0\.0\.1|\[::1\]):\d+\/metrics$/);
  expect(await fetch(server.url).then((r) => r.text())).toContain(BLOCKED_SAMPLE);
});

test('close() stops listening and can be called twice', async () => {
  const { registry } = recorded();
  const server = await startMetricsServer({ registry, bindAddress: '127.0.0.1:0' });
  await fetch(server.url).then((r) => r.text());
  await server.close();
  await server.close();
  await expect(fetch(server.url)).rejects.toThrow();
});

test('fails clearly when the port is taken or the address is invalid', async () => {
  const { registry } = recorded();
  const first = await start({ registry, bindAddress: '127.0.0.1:0' });
  await expect(
    startMetricsServer({ registry, bindAddress: `127.0.0.1:${first.port}` }),
  ).rejects.toThrow(`metrics server cannot listen on 127.0.0.1:${first.port}: listen EADDRINUSE`);
  await expect(startMetricsServer({ registry, bindAddress: '127.0.0.1' })).rejects.toThrow(
    /invalid bind address "127.0.0.1": no port/,
  );
});
