// The simulator is as strict as a real API: auth, body encoding, required fields, unknown routes,
// always in the API's error shape {error: true, code, message}.

import {
  DEFAULT_SIMULATOR_TOKEN,
  SIM_DATACENTERS,
  SIM_OS_IMAGES,
  SIM_PLANS,
  startVpsieSimulator,
  type VpsieSimulator,
} from '../../../src/simulator';

let sim: VpsieSimulator;
beforeEach(async () => {
  sim = await startVpsieSimulator({ clients: [{ clientId: 'cid', clientSecret: 'csecret' }] });
});
afterEach(() => sim.close());

const auth = { 'Vpsie-Auth': DEFAULT_SIMULATOR_TOKEN };
const json = { ...auth, 'Content-Type': 'application/json' };
const validCreate = {
  resourceIdentifier: SIM_PLANS.small,
  osIdentifier: SIM_OS_IMAGES.debian12,
  dcIdentifier: SIM_DATACENTERS.frankfurt,
  hostname: 'strict-1',
  projectId: 3,
};

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(`${sim.url}${path}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test('binds to 127.0.0.1 on a free port', () => {
  expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

describe('auth', () => {
  test('no Vpsie-Auth header → 401 in the error shape', async () => {
    expect(await call('/api/v2/vm')).toEqual({
      status: 401,
      body: { error: true, code: 401, message: 'Missing Vpsie-Auth header' },
    });
  });

  test('Authorization: Bearer is not accepted', async () => {
    const { status, body } = await call('/api/v2/vm', {
      headers: { Authorization: `Bearer ${DEFAULT_SIMULATOR_TOKEN}` },
    });
    expect(status).toBe(401);
    expect(body.message).toMatch(/Missing Vpsie-Auth header.*Authorization is not accepted/);
  });

  test('an unknown token → 401', async () => {
    const { status, body } = await call('/apps/v2/sshkeys', { headers: { 'Vpsie-Auth': 'nope' } });
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: true, code: 401, message: 'Invalid or expired token' });
  });

  test('client credentials must come form-encoded and be right', async () => {
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const good = await call('/apps/v2/auth/from/api', {
      method: 'POST',
      headers: form,
      body: 'clientId=cid&clientSecret=csecret',
    });
    expect(good.status).toBe(200);
    const token = (good.body.accessToken as { token: string; expires: string }).token;
    expect(Date.parse((good.body.accessToken as { expires: string }).expires)).toBeGreaterThan(
      Date.now(),
    );
    expect((await call('/api/v2/vm', { headers: { 'Vpsie-Auth': token } })).status).toBe(200);

    const wrong = await call('/apps/v2/auth/from/api', {
      method: 'POST',
      headers: form,
      body: 'clientId=cid&clientSecret=nope',
    });
    expect(wrong).toEqual({
      status: 401,
      body: { error: true, code: 401, message: 'Invalid client credentials' },
    });
    const missing = await call('/apps/v2/auth/from/api', {
      method: 'POST',
      headers: form,
      body: 'clientId=cid',
    });
    expect(missing).toMatchObject({
      status: 400,
      body: { message: 'Missing required field "clientSecret"' },
    });
    const asJson = await call('/apps/v2/auth/from/api', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ clientId: 'cid', clientSecret: 'csecret' }),
    });
    expect(asJson.status).toBe(400);
    expect(asJson.body.message).toMatch(/x-www-form-urlencoded/);
  });
});

describe('bodies', () => {
  test('malformed JSON → 400', async () => {
    const res = await call('/api/v2/vm', { method: 'POST', headers: json, body: '{"hostname":' });
    expect(res).toEqual({
      status: 400,
      body: { error: true, code: 400, message: 'Malformed JSON body' },
    });
  });

  test('a missing required field → 400 naming it', async () => {
    const rest: Partial<typeof validCreate> = { ...validCreate };
    delete rest.hostname;
    const res = await call('/api/v2/vm', {
      method: 'POST',
      headers: json,
      body: JSON.stringify(rest),
    });
    expect(res).toEqual({
      status: 400,
      body: { error: true, code: 400, message: 'Missing required field "hostname"' },
    });
  });

  test('a field of the wrong type → 400 naming it', async () => {
    const res = await call('/api/v2/vm', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ ...validCreate, tags: 'not-a-list' }),
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^Invalid field "tags": /);
  });

  test('a nested field is named by its path', async () => {
    const res = await call('/api/v2/vm', {
      method: 'DELETE',
      headers: json,
      body: JSON.stringify({ vmIdentifier: 'x', password: '', deleteStatistic: { note: '' } }),
    });
    expect(res.body.message).toBe('Missing required field "deleteStatistic.reason"');
  });

  test('an unknown datacenter, plan or OS → 400 naming the field', async () => {
    for (const field of ['dcIdentifier', 'resourceIdentifier', 'osIdentifier'] as const) {
      const res = await call('/api/v2/vm', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ ...validCreate, [field]: 'no-such-thing' }),
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(`"${field}"`);
    }
    expect(sim.state.listVms()).toHaveLength(0);
  });

  test('JSON routes need the JSON content type', async () => {
    const res = await call('/api/v2/vm', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'text/plain' },
      body: JSON.stringify(validCreate),
    });
    expect(res).toMatchObject({
      status: 400,
      body: { message: 'Content-Type must be application/json' },
    });
  });

  test('a valid create is accepted without a VM in the answer', async () => {
    const res = await call('/api/v2/vm', {
      method: 'POST',
      headers: json,
      body: JSON.stringify(validCreate),
    });
    expect(res.status).toBe(200);
    expect(res.body.error).toBe(false);
    expect(res.body).not.toHaveProperty('data');
    expect(sim.state.vmsByHostname('strict-1')).toHaveLength(1);
  });
});

describe('routes', () => {
  test('an unknown route → 404 error envelope', async () => {
    expect(await call('/api/v2/vms', { headers: auth })).toEqual({
      status: 404,
      body: { error: true, code: 404, message: 'No route for GET /api/v2/vms' },
    });
  });

  test('a known path with the wrong method → 404', async () => {
    expect((await call('/apps/v2/sshkeys', { method: 'DELETE', headers: auth })).status).toBe(404);
  });

  test('an unknown VM → 404', async () => {
    const res = await call('/api/v2/vm/status/00000000-0000-4000-8000-000000000000', {
      headers: auth,
    });
    expect(res).toEqual({ status: 404, body: { error: true, code: 404, message: 'VM not found' } });
  });

  test('lists come in the envelope with a total', async () => {
    const res = await call('/apps/v2/datacenter', { headers: auth });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ error: false, total: 2 });
  });
});

test('every request is recorded with its route and status', async () => {
  await call('/api/v2/vm', { headers: auth });
  await call('/nowhere', { headers: auth });
  expect(sim.requests).toEqual([
    { method: 'GET', path: '/api/v2/vm', route: 'listVms', status: 200 },
    { method: 'GET', path: '/nowhere', status: 404 },
  ]);
});
