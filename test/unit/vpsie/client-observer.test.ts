// The observer sees every HTTP exchange (the metrics module builds its VPSie API metrics on it).

import type { VpsieSimulator } from '../../../src/simulator';
import {
  fastClient,
  recordingClock,
  recordingObserver,
  rejectionOf,
  startSimulator,
  vmRequest,
} from './harness';
import { SIM_SSH_KEYS } from '../../../src/simulator';

let sim: VpsieSimulator;
afterEach(() => sim.close());

test('every request is reported with its operation, status and duration, in order', async () => {
  const client = { clientId: 'app', clientSecret: 'app-secret-value' };
  sim = await startSimulator({ clients: [client] });
  const observer = recordingObserver();
  const api = fastClient(sim, {
    credentials: { kind: 'client', ...client },
    observer,
    clock: recordingClock(),
  });

  const vm = await api.createVm(
    vmRequest({ hostname: 'obs-1', sshKeyIds: [SIM_SSH_KEYS.ops, SIM_SSH_KEYS.ci] }),
  );
  await api.getVm(vm.identifier);
  await api.getVmStatus(vm.identifier);
  sim.faults.rateLimit(1, 0);
  sim.faults.serverErrors(1, 502);
  await api.listSshKeys();
  await rejectionOf(api.getSshKey('unknown'));
  sim.state.revokeIssuedTokens();
  await api.deleteVm(vm.identifier, 'test');
  sim.faults.quotaOnCreate({ count: 1 });
  await rejectionOf(api.createVm(vmRequest({ hostname: 'obs-2' })));

  const fromSimulator = sim.requests.map((r) => [r.route, String(r.status)]);
  expect(observer.requests.map((r) => [r.method, r.status])).toEqual(fromSimulator);
  expect(fromSimulator).toEqual([
    ['authenticate', '200'],
    ['listVms', '200'],
    ['createVm', '200'],
    ['listVms', '200'],
    ['attachSshKey', '200'],
    ['getVm', '200'],
    ['getVmStatus', '200'],
    ['listSshKeys', '429'],
    ['listSshKeys', '502'],
    ['listSshKeys', '200'],
    ['getSshKey', '404'],
    ['deleteVm', '401'],
    ['authenticate', '200'],
    ['deleteVm', '200'],
    ['listVms', '200'],
    ['createVm', '200'],
  ]);
  for (const r of observer.requests) {
    expect(r.durationSeconds).toBeGreaterThanOrEqual(0);
    expect(r.durationSeconds).toBeLessThan(5);
  }
  expect(observer.errors).toEqual([
    { method: 'getSshKey', errorType: 'not_found' },
    { method: 'createVm', errorType: 'permanent' },
  ]);
  expect(observer.rateLimitedCount).toBe(1);
  expect(observer.states).toEqual(['closed']);
});
