// Authentication: the Vpsie-Auth header, client credentials, refresh before expiry, one refresh
// on a 401, and no token or secret ever reaching an error or a log line.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VpsieSimulator } from '../../../src/simulator';
import type { IssuedToken } from '../../../src/simulator/state';
import { VpsieAuthError, type VpsieClient } from '../../../src/vpsie';
import {
  capturingLogger,
  fastClient,
  manualClock,
  recordingObserver,
  rejectionOf,
  startSimulator,
  vmRequest,
} from './harness';

const CLIENT = { clientId: 'autoscaler-app', clientSecret: 'very-secret-client-value' };
const clientCredentials = { kind: 'client' as const, ...CLIENT };

let sim: VpsieSimulator;
afterEach(() => sim.close());

function routesAndStatuses() {
  return sim.requests.map((r) => `${r.route ?? r.path} ${r.status ?? '-'}`);
}

test('client credentials are exchanged once, then the token travels in Vpsie-Auth', async () => {
  sim = await startSimulator({ clients: [CLIENT] });
  const client = fastClient(sim, { credentials: clientCredentials });
  await client.listVms();
  await client.listDatacenters();
  expect(routesAndStatuses()).toEqual(['authenticate 200', 'listVms 200', 'listDatacenters 200']);
});

test('a refused token is refreshed once and the request sent again', async () => {
  sim = await startSimulator({ clients: [CLIENT] });
  const observer = recordingObserver();
  const client = fastClient(sim, { credentials: clientCredentials, observer });
  await client.listVms();
  sim.state.revokeIssuedTokens();
  await expect(client.listVms()).resolves.toEqual([]);
  expect(routesAndStatuses()).toEqual([
    'authenticate 200',
    'listVms 200',
    'listVms 401',
    'authenticate 200',
    'listVms 200',
  ]);
  expect(observer.errors).toEqual([]);
});

test('a second 401 after the refresh is an auth error, with no further attempts', async () => {
  sim = await startSimulator({ clients: [CLIENT], tokenTtlMs: 0 });
  const observer = recordingObserver();
  const error = await rejectionOf(
    fastClient(sim, { credentials: clientCredentials, observer }).listVms(),
  );
  expect(error).toBeInstanceOf(VpsieAuthError);
  expect(error).toMatchObject({ type: 'auth', retryable: false, httpStatus: 401 });
  expect(routesAndStatuses()).toEqual([
    'authenticate 200',
    'listVms 401',
    'authenticate 200',
    'listVms 401',
  ]);
  expect(observer.errors).toEqual([{ method: 'listVms', errorType: 'auth' }]);
});

test('a static token that is refused fails at once (there is nothing to refresh)', async () => {
  sim = await startSimulator();
  const client = fastClient(sim, { credentials: { kind: 'token', token: 'not-a-valid-token' } });
  await expect(client.listVms()).rejects.toBeInstanceOf(VpsieAuthError);
  expect(routesAndStatuses()).toEqual(['listVms 401']);
});

test('wrong client credentials are an auth error from authenticate', async () => {
  sim = await startSimulator({ clients: [CLIENT] });
  const observer = recordingObserver();
  const client = fastClient(sim, {
    credentials: { kind: 'client', clientId: CLIENT.clientId, clientSecret: 'wrong-secret-value' },
    observer,
  });
  const error = await rejectionOf(client.listVms());
  expect(error).toBeInstanceOf(VpsieAuthError);
  expect(error).toMatchObject({ operation: 'authenticate', httpStatus: 401 });
  expect(error.message).not.toContain('wrong-secret-value');
  expect(routesAndStatuses()).toEqual(['authenticate 401']);
  expect(observer.errors).toEqual([{ method: 'listVms', errorType: 'auth' }]);
});

test('the token is refreshed a few minutes before it expires, before the API refuses it', async () => {
  const clock = manualClock();
  sim = await startSimulator({ clients: [CLIENT], tokenTtlMs: 60 * 60_000, now: clock.now });
  const client = fastClient(sim, {
    credentials: clientCredentials,
    clock,
    tokenRefreshMarginMs: 5 * 60_000,
  });
  await client.listVms();
  clock.advance(50 * 60_000);
  await client.listVms();
  expect(sim.requests.filter((r) => r.route === 'authenticate')).toHaveLength(1);
  clock.advance(5 * 60_000); // 5 minutes left: time to refresh
  await client.listVms();
  expect(routesAndStatuses()).toEqual([
    'authenticate 200',
    'listVms 200',
    'listVms 200',
    'authenticate 200',
    'listVms 200',
  ]);
});

describe('secrets stay secret', () => {
  test('no token or secret reaches an error, a stack or a log line', async () => {
    sim = await startSimulator({ clients: [CLIENT], tokens: ['static-token-abcdef'] });
    const issued: IssuedToken[] = [];
    const issue = sim.state.issueToken.bind(sim.state);
    jest.spyOn(sim.state, 'issueToken').mockImplementation((id, secret) => {
      const token = issue(id, secret);
      if (token) issued.push(token);
      return token;
    });
    const { logger, lines } = capturingLogger();
    const errors: unknown[] = [];
    const capture = (p: Promise<unknown>) => p.catch((e: unknown) => void errors.push(e));

    const client: VpsieClient = fastClient(sim, { credentials: clientCredentials, logger });
    await client.listVms();
    sim.state.revokeIssuedTokens();
    await client.listVms();
    sim.faults.serverErrors(10, 503);
    await capture(client.listVms());
    sim.faults.reset();
    sim.faults.quotaOnCreate();
    await capture(client.createVm(vmRequest()));
    await capture(
      fastClient(sim, {
        credentials: {
          kind: 'client',
          clientId: CLIENT.clientId,
          clientSecret: 'wrong-secret-xyz',
        },
        logger,
      }).listVms(),
    );
    await capture(
      fastClient(sim, {
        credentials: { kind: 'token', token: 'static-token-abcdef' },
        logger,
      }).getVm('3f0e0000-0000-4000-8000-000000000000'),
    );

    expect(issued.length).toBeGreaterThanOrEqual(2);
    expect(errors).toHaveLength(4);
    expect(lines.some((l) => l.includes('retrying VPSie operation'))).toBe(true);
    expect(lines.some((l) => l.includes('obtained a VPSie access token'))).toBe(true);
    const secrets = [
      CLIENT.clientSecret,
      'wrong-secret-xyz',
      'static-token-abcdef',
      ...issued.flatMap((t) => [t.token, t.refreshToken]),
    ];
    const texts = [
      ...lines,
      ...errors.flatMap((e) => [String(e), (e as Error).stack ?? '', JSON.stringify(e)]),
    ].join('\n');
    for (const secret of secrets) expect(texts).not.toContain(secret);
  });

  test('an API that echoes the token or the secret back has it scrubbed from the error', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server: Server = createServer((req, res) => {
      seen.push(req.headers);
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const echo = req.url?.startsWith('/apps/v2/auth')
          ? `bad credentials in ${body}`
          : `token ${String(req.headers['vpsie-auth'])} is not allowed`;
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: true, code: 400, message: echo }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    sim = await startSimulator();
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const withToken = fastClient(
        { ...sim, url },
        {
          credentials: { kind: 'token', token: 'echoed-token-123456' },
        },
      );
      const tokenError = await rejectionOf(withToken.listVms());
      expect(tokenError.message).toContain('token [REDACTED] is not allowed');
      expect(tokenError.message).not.toContain('echoed-token-123456');
      expect(seen[0]!['vpsie-auth']).toBe('echoed-token-123456');
      expect(seen[0]!.authorization).toBeUndefined();

      const withSecret = fastClient({ ...sim, url }, { credentials: clientCredentials });
      const secretError = await rejectionOf(withSecret.listVms());
      expect(secretError.message).toContain('bad credentials');
      expect(secretError.message).not.toContain(CLIENT.clientSecret);
      expect(seen[1]!['content-type']).toBe('application/x-www-form-urlencoded');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
