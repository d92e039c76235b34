// What a VM received at boot (API keys, cloud-init keys), recorded with or without a cluster;
// without one, nothing tries to join.
import { SIM_SSH_KEYS, SIM_PLANS, type VpsieSimulator } from '../../../src/simulator';
import { fastClient, startSimulator, vmRequest } from '../vpsie/harness';

let sim: VpsieSimulator;
afterEach(async () => sim?.close());

const userData = [
  '#cloud-config',
  'ssh_authorized_keys: ["ssh-ed25519 AAAA user-key"]',
  'users:',
  '  - default',
  '  - name: ops',
  '    ssh_authorized_keys: ["ssh-ed25519 AAAA ops-key", "ssh-ed25519 AAAA user-key"]',
].join('\n');

test('a booted VM records the API keys (given at create and attached) and the cloud-init keys', async () => {
  sim = await startSimulator();
  const client = fastClient(sim);
  // Boot on demand, after the client's attaches, so the test does not race the clock.
  sim.faults.vmsNeverBoot(1);
  const created = await client.createVm(
    vmRequest({ userData, sshKeyIds: [SIM_SSH_KEYS.ops, SIM_SSH_KEYS.ci, SIM_SSH_KEYS.legacy] }),
  );
  const vm = sim.state.vm(created.identifier)!;
  expect(vm.received).toBeUndefined();
  sim.state.bootNow(vm.identifier);

  const keys = sim.state.sshKeys();
  const publicKey = (id: string) => keys.find((k) => k.identifier === id)!.publicKey;
  expect(vm.received).toEqual({
    apiSshKeyIds: [SIM_SSH_KEYS.ops, SIM_SSH_KEYS.ci, SIM_SSH_KEYS.legacy],
    apiSshPublicKeys: [SIM_SSH_KEYS.ops, SIM_SSH_KEYS.ci, SIM_SSH_KEYS.legacy].map(publicKey),
    cloudInitAuthorizedKeys: ['ssh-ed25519 AAAA user-key', 'ssh-ed25519 AAAA ops-key'],
    cloudInitAuthorizedKeysByUser: {
      default: ['ssh-ed25519 AAAA user-key'],
      ops: ['ssh-ed25519 AAAA ops-key', 'ssh-ed25519 AAAA user-key'],
    },
  });
  // No cluster was given: the simulator behaves as before and nothing joins.
  expect(vm.join).toBeUndefined();
  expect(sim.cluster).toBeUndefined();
});

test('user-data cloud-init would ignore is recorded as the problem, with no keys', async () => {
  sim = await startSimulator({ provisioningDelayMs: 0 });
  const created = await fastClient(sim).createVm(
    vmRequest({ offeringId: SIM_PLANS.large, userData: '#cloud-config\nusers: [name: x\n' }),
  );
  const vm = sim.state.vm(created.identifier)!;
  expect(vm.received).toMatchObject({
    apiSshKeyIds: [],
    cloudInitAuthorizedKeys: [],
    userDataProblem: expect.stringMatching(/not valid YAML/),
  });
});
