// The client against the simulator over real HTTP: VM life cycle, idempotent create, SSH keys.

import { SIM_DATACENTERS, SIM_OS_IMAGES, SIM_PLANS, SIM_SSH_KEYS } from '../../../src/simulator';
import type { VpsieSimulator } from '../../../src/simulator';
import { VpsieNotFoundError, VpsiePermanentError, type VpsieClient } from '../../../src/vpsie';
import {
  fastClient,
  manualClock,
  rejectionOf,
  routeRequests,
  startSimulator,
  vmRequest,
} from './harness';

let sim: VpsieSimulator;
let client: VpsieClient;
// The simulator's clock moves only when a test says so: no race with the provisioning delay.
let simClock: ReturnType<typeof manualClock>;

beforeEach(async () => {
  simClock = manualClock();
  sim = await startSimulator({ provisioningDelayMs: 60_000, now: simClock.now });
  client = fastClient(sim);
});
afterEach(() => sim.close());

test('create, find, get, status, list and delete a VM', async () => {
  const created = await client.createVm(vmRequest({ hostname: 'pool-a-1', notes: 'n' }));
  expect(created).toMatchObject({
    hostname: 'pool-a-1',
    state: 'provisioning',
    datacenterIdentifier: SIM_DATACENTERS.newYork,
    projectId: '42',
    cpu: 2,
    ramMb: 4096,
    deleted: false,
  });

  expect(await client.findVmByHostname('pool-a-1')).toEqual(created);
  expect(await client.findVmByHostname('nope')).toBeUndefined();
  expect(await client.getVmStatus(created.identifier)).toBe('provisioning');

  simClock.advance(59_999);
  expect(await client.getVmStatus(created.identifier)).toBe('provisioning');
  simClock.advance(1);
  expect(await client.getVmStatus(created.identifier)).toBe('running');
  const running = await client.getVm(created.identifier);
  expect(running).toMatchObject({ state: 'running', poweredOn: true });
  expect(running.publicIpv4).toMatch(/^203\.0\.113\.\d+$/);

  expect((await client.listVms()).map((vm) => vm.hostname)).toEqual(['pool-a-1']);
  expect(await client.listVms('42')).toHaveLength(1);
  expect(await client.listVms('7')).toHaveLength(0);

  await client.deleteVm(created.identifier, 'scale-down', 'node pool-a-1 removed');
  expect(await client.findVmByHostname('pool-a-1')).toBeUndefined();
  expect(sim.state.deletedVms()).toMatchObject([
    {
      identifier: created.identifier,
      deleteReason: 'scale-down',
      deleteNote: 'node pool-a-1 removed',
    },
  ]);
  const error = await rejectionOf(client.getVm(created.identifier));
  expect(error).toBeInstanceOf(VpsieNotFoundError);
});

test('deleting a VM that does not exist returns normally', async () => {
  await expect(client.deleteVm('3f0e0000-0000-4000-8000-000000000000', 'cleanup')).resolves.toBe(
    undefined,
  );
  expect(routeRequests(sim, 'deleteVm').map((r) => r.status)).toEqual([404]);
});

test('a retry after a lost create answer finds the VM instead of creating a second one', async () => {
  sim.faults.loseCreateResponses(1);
  const vm = await client.createVm(vmRequest({ hostname: 'pool-a-lost' }));
  expect(sim.state.vmsByHostname('pool-a-lost')).toHaveLength(1);
  expect(vm.identifier).toBe(sim.state.vmsByHostname('pool-a-lost')[0]!.identifier);
  const creates = routeRequests(sim, 'createVm');
  expect(creates).toHaveLength(1);
  expect(creates[0]).toMatchObject({ dropped: true });
  expect(creates[0]!.status).toBeUndefined();
});

test('createVm for a hostname that already exists posts nothing', async () => {
  const first = await client.createVm(vmRequest({ hostname: 'pool-a-2' }));
  const second = await client.createVm(vmRequest({ hostname: 'pool-a-2' }));
  expect(second.identifier).toBe(first.identifier);
  expect(routeRequests(sim, 'createVm')).toHaveLength(1);
  expect(sim.state.listVms()).toHaveLength(1);
});

test('concurrent creates of one hostname in one process make one VM', async () => {
  const results = await Promise.all([
    client.createVm(vmRequest({ hostname: 'pool-a-3' })),
    client.createVm(vmRequest({ hostname: 'pool-a-3' })),
  ]);
  expect(results[0]!.identifier).toBe(results[1]!.identifier);
  expect(sim.state.vmsByHostname('pool-a-3')).toHaveLength(1);
});

test('the first key id goes on the create, the others are attached; userData arrives verbatim', async () => {
  const userData = '#cloud-config\nssh_authorized_keys:\n  - ssh-ed25519 AAAAC3Nza... me\n';
  const vm = await client.createVm(
    vmRequest({
      hostname: 'pool-a-keys',
      sshKeyIds: [SIM_SSH_KEYS.ops, SIM_SSH_KEYS.ci, SIM_SSH_KEYS.legacy, SIM_SSH_KEYS.ci],
      userData,
      tags: ['autoscaler', 'pool-a'],
    }),
  );
  const record = sim.state.vm(vm.identifier)!;
  expect(record.sshKeyIdentifier).toBe(SIM_SSH_KEYS.ops);
  expect(record.attachedSshKeyIds).toEqual([SIM_SSH_KEYS.ci, SIM_SSH_KEYS.legacy]);
  expect(record.userData).toBe(userData);
  expect(record.tags).toEqual(['autoscaler', 'pool-a']);
  expect(record.createRequest).toMatchObject({
    resourceIdentifier: SIM_PLANS.small,
    osIdentifier: SIM_OS_IMAGES.ubuntu2204,
    dcIdentifier: SIM_DATACENTERS.newYork,
    projectId: 42,
    sshKeyIdentifier: SIM_SSH_KEYS.ops,
  });
  expect(record.createRequest).not.toHaveProperty('sshPublicKeys');
  expect(vm.sshKeyId).toBe(SIM_SSH_KEYS.ops);
  expect(routeRequests(sim, 'attachSshKey')).toHaveLength(2);
});

test('raw public keys on the request are refused before anything is sent', async () => {
  const request = {
    ...vmRequest(),
    sshPublicKeys: ['ssh-ed25519 AAAA me'],
  } as unknown as Parameters<VpsieClient['createVm']>[0];
  const error = await rejectionOf(client.createVm(request));
  expect(error).toBeInstanceOf(VpsiePermanentError);
  expect(error).toMatchObject({ reason: 'invalid_request', retryable: false });
  expect(error.message).toMatch(/userData.*ssh_authorized_keys/);
  expect(sim.requests).toHaveLength(0);
});

test('an unknown key id is a permanent validation error naming the field', async () => {
  const error = await rejectionOf(
    client.createVm(vmRequest({ sshKeyIds: ['0bad0000-0000-4000-8000-000000000000'] })),
  );
  expect(error).toMatchObject({ type: 'permanent', reason: 'validation', httpStatus: 400 });
  expect(error.message).toContain('sshKeyIdentifier');
  expect(sim.state.listVms()).toHaveLength(0);
});

test('attachSshKey adds a key to a VM', async () => {
  const vm = await client.createVm(
    vmRequest({ hostname: 'pool-a-4', sshKeyIds: [SIM_SSH_KEYS.ops] }),
  );
  await client.attachSshKey(vm.identifier, SIM_SSH_KEYS.legacy);
  expect(sim.state.vm(vm.identifier)!.attachedSshKeyIds).toEqual([SIM_SSH_KEYS.legacy]);
});

test('SSH keys resolve to their public key lines', async () => {
  const keys = await client.listSshKeys();
  expect(keys.map((k) => k.name)).toEqual(['ops', 'ci', 'legacy']);
  const key = await client.getSshKey(SIM_SSH_KEYS.legacy);
  expect(key.publicKey).toMatch(/^ssh-rsa AAAAB3NzaC1yc2E\S+ legacy@example\.com$/);
  expect(keys[0]!.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\S+ ops@example\.com$/);
  await expect(client.getSshKey('missing')).rejects.toBeInstanceOf(VpsieNotFoundError);
});

test('the catalogue: datacenters, offerings and resources', async () => {
  const dcs = await client.listDatacenters();
  expect(dcs.map((d) => d.identifier)).toEqual([
    SIM_DATACENTERS.newYork,
    SIM_DATACENTERS.frankfurt,
  ]);
  expect(dcs[0]).toMatchObject({ name: 'New York 1', country: 'United States', available: true });

  const offerings = await client.listOfferings();
  expect(offerings.map((o) => o.id)).toEqual([SIM_PLANS.small, SIM_PLANS.medium, SIM_PLANS.large]);
  expect(offerings[1]).toMatchObject({ cpu: 4, ramMb: 8192, diskGb: 160, available: true });

  const resources = await client.listResources({
    datacenterId: SIM_DATACENTERS.frankfurt,
    osIdentifier: SIM_OS_IMAGES.debian12,
    planCategoryNodeId: 'standard',
  });
  expect(resources.map((r) => r.identifier)).toContain(SIM_PLANS.large);
  const vm = await client.createVm(
    vmRequest({ hostname: 'pool-b-1', offeringId: resources[2]!.identifier }),
  );
  expect(vm.cpu).toBe(8);
});
