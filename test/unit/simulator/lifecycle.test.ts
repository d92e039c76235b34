// The in-memory account: clock-driven provisioning → running, never-boot / never-join VMs, and
// the onVmRunning / onVmDeleted extension point a cluster-join module will subscribe to.

import {
  SIM_DATACENTERS,
  SIM_OS_IMAGES,
  SIM_PLANS,
  SIM_SSH_KEYS,
  SimulatorError,
  SimulatorState,
  startVpsieSimulator,
  type SimVm,
} from '../../../src/simulator';
import { fastClient, vmRequest } from '../vpsie/harness';

function model(provisioningDelayMs = 1000) {
  let now = 1_000_000;
  const state = new SimulatorState({ now: () => now, provisioningDelayMs });
  return { state, advance: (ms: number) => (now += ms) };
}

const input = (hostname: string) => ({
  hostname,
  projectId: 1,
  resourceIdentifier: SIM_PLANS.medium,
  osIdentifier: SIM_OS_IMAGES.ubuntu2204,
  dcIdentifier: SIM_DATACENTERS.newYork,
  sshKeyIdentifier: SIM_SSH_KEYS.ops,
});

test('a VM provisions for the configured delay, then runs, and listeners hear it once', () => {
  const { state, advance } = model(1000);
  const running: SimVm[] = [];
  state.onVmRunning((vm) => running.push(vm));
  const vm = state.createVm(input('a'));
  expect(vm.phase).toBe('provisioning');
  advance(999);
  expect(state.advance()).toEqual([]);
  advance(1);
  expect(state.advance()).toEqual([vm]);
  expect(state.advance()).toEqual([]);
  expect(vm).toMatchObject({ phase: 'running', runningAt: vm.createdAt + 1000 });
  expect(running).toEqual([vm]);
});

test('a never-boot VM stays provisioning until told otherwise', () => {
  const { state, advance } = model(10);
  const vm = state.createVm(input('b'), { neverBoots: true });
  advance(60 * 60_000);
  state.advance();
  expect(vm.phase).toBe('provisioning');
  state.bootNow(vm.identifier);
  expect(vm.phase).toBe('running');
});

test('a never-join VM boots normally and carries the flag for the cluster-join part', () => {
  const { state, advance } = model(10);
  const vm = state.createVm(input('c'), { neverJoins: true });
  advance(10);
  state.advance();
  expect(vm).toMatchObject({ phase: 'running', neverJoins: true });
});

test('delete removes the VM, keeps the reason, and tells listeners; unsubscribe works', () => {
  const { state } = model();
  const deleted: string[] = [];
  const created: string[] = [];
  const stop = state.onVmDeleted((vm) => deleted.push(vm.hostname));
  state.onVmCreated((vm) => created.push(vm.hostname));
  const a = state.createVm(input('d1'));
  const b = state.createVm(input('d2'));
  state.deleteVm(a.identifier, 'scale-down', 'idle');
  stop();
  state.deleteVm(b.identifier, 'manual', '');
  expect(created).toEqual(['d1', 'd2']);
  expect(deleted).toEqual(['d1']);
  expect(state.listVms()).toEqual([]);
  expect(state.deletedVms().map((vm) => [vm.hostname, vm.deleteReason])).toEqual([
    ['d1', 'scale-down'],
    ['d2', 'manual'],
  ]);
  expect(() => state.deleteVm(a.identifier, 'again', '')).toThrow(SimulatorError);
});

test('a throwing listener does not break the account', () => {
  const { state } = model();
  const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  state.onVmCreated(() => {
    throw new Error('listener bug');
  });
  expect(() => state.createVm(input('e'))).not.toThrow();
  expect(state.listVms()).toHaveLength(1);
  expect(warn).toHaveBeenCalledWith(expect.stringContaining('listener bug'));
  warn.mockRestore();
});

test('the same hostname twice makes two VMs, as a real cloud would (clients must be idempotent)', () => {
  const { state } = model();
  state.createVm(input('dup'));
  state.createVm(input('dup'));
  expect(state.vmsByHostname('dup')).toHaveLength(2);
});

test('issued tokens expire on the state clock; static tokens do not', () => {
  let now = 0;
  const state = new SimulatorState({
    now: () => now,
    tokens: ['static'],
    clients: [{ clientId: 'c', clientSecret: 's' }],
    tokenTtlMs: 1000,
  });
  expect(state.issueToken('c', 'wrong')).toBeUndefined();
  const issued = state.issueToken('c', 's')!;
  expect(state.isValidToken(issued.token)).toBe(true);
  now = 1000;
  expect(state.isValidToken(issued.token)).toBe(false);
  expect(state.isValidToken('static')).toBe(true);
});

test('over HTTP, VMs turn running on their own and the faults mark never-boot / never-join VMs', async () => {
  const sim = await startVpsieSimulator({ provisioningDelayMs: 30, tickMs: 5 });
  try {
    const running: string[] = [];
    sim.state.onVmRunning((vm) => running.push(vm.hostname));
    const client = fastClient(sim);
    sim.faults.vmsNeverBoot(1);
    const stuck = await client.createVm(vmRequest({ hostname: 'never-boots' }));
    sim.faults.vmsNeverJoin(1);
    const lonely = await client.createVm(vmRequest({ hostname: 'never-joins' }));
    const normal = await client.createVm(vmRequest({ hostname: 'normal' }));
    await new Promise((r) => setTimeout(r, 150));
    expect(running.sort()).toEqual(['never-joins', 'normal']);
    expect(sim.state.vm(stuck.identifier)!.phase).toBe('provisioning');
    expect(sim.state.vm(lonely.identifier)!.neverJoins).toBe(true);
    expect(sim.state.vm(normal.identifier)!.neverJoins).toBe(false);
    expect(await client.getVmStatus(stuck.identifier)).toBe('provisioning');
  } finally {
    await sim.close();
  }
});
