import { defaultCatalogue } from '../../../src/simulator/catalogue';
import {
  datacenterToWire,
  offeringToWire,
  resourceToWire,
  sshKeyToWire,
} from '../../../src/simulator/render';
import {
  accessTokenFromWire,
  createVmToWire,
  datacenterFromWire,
  datacenterListSchema,
  expiryToMillis,
  offeringListSchema,
  resourceListSchema,
  routePath,
  sshKeyFromWire,
  sshKeyListSchema,
  vmDataSchema,
  vmFromWire,
} from '../../../src/vpsie/wire';
import { vmRequest } from './harness';

describe('createVmToWire', () => {
  test('maps our names onto the API fields and sends ONE key', () => {
    const wire = createVmToWire(
      vmRequest({
        hostname: 'n1',
        offeringId: 'plan-1',
        datacenterId: 'dc-1',
        osIdentifier: 'os-1',
        projectId: '42',
        sshKeyIds: ['k1', 'k2', 'k3'],
        userData: '#cloud-config\n',
        tags: ['a'],
        notes: 'autoscaler',
        addPrivateIp: true,
        addPublicIpV6: false,
      }),
    );
    expect(JSON.parse(JSON.stringify(wire))).toEqual({
      resourceIdentifier: 'plan-1',
      osIdentifier: 'os-1',
      dcIdentifier: 'dc-1',
      hostname: 'n1',
      projectId: 42,
      notes: 'autoscaler',
      tags: ['a'],
      userData: '#cloud-config\n',
      sshKeyIdentifier: 'k1',
      addPrivateIp: 1,
      addPublicIpV6: 0,
    });
  });

  test('a non-numeric project id stays text, and no key means no sshKeyIdentifier', () => {
    const wire = createVmToWire(vmRequest({ projectId: 'proj-x', sshKeyIds: [] }));
    expect(wire.projectId).toBe('proj-x');
    expect('sshKeyIdentifier' in JSON.parse(JSON.stringify(wire))).toBe(false);
  });
});

describe('vmFromWire', () => {
  test('reads the contract spelling', () => {
    const vm = vmFromWire(
      vmDataSchema.parse({
        id: 7,
        identifier: 'u-1',
        hostname: 'n1',
        default_ip: '203.0.113.5',
        state: 'running',
        power: 1,
        is_deleted: 0,
        projectId: 42,
        sshkey_id: 'k1',
        ram: '2048',
      }),
    );
    expect(vm).toMatchObject({
      id: 7,
      identifier: 'u-1',
      publicIpv4: '203.0.113.5',
      state: 'running',
      poweredOn: true,
      deleted: false,
      projectId: '42',
      sshKeyId: 'k1',
      ramMb: 2048,
    });
  });

  test("reads govpsie's spelling (project_id, nulls, deleted flag)", () => {
    const vm = vmFromWire(
      vmDataSchema.parse({
        id: '8',
        identifier: 'u-2',
        hostname: 'n2',
        project_id: 9,
        default_ip: null,
        notes: null,
        is_deleted: 1,
      }),
    );
    expect(vm).toMatchObject({ id: 8, projectId: '9', deleted: true });
    expect(vm.publicIpv4).toBeUndefined();
  });

  test('refuses a VM without an identifier', () => {
    expect(vmDataSchema.safeParse({ id: 1, hostname: 'x' }).success).toBe(false);
  });
});

describe('catalogue and keys', () => {
  test('datacenters in the contract spelling and in govpsie spelling', () => {
    expect(
      datacenterFromWire(
        datacenterListSchema.parse([{ identifier: 'd1', dc_name: 'Paris', is_active: 0 }])[0]!,
      ),
    ).toMatchObject({ identifier: 'd1', name: 'Paris', available: false });
    expect(
      datacenterFromWire(
        datacenterListSchema.parse([{ identifier: 'd2', name: 'NYC', available: true }])[0]!,
      ),
    ).toMatchObject({ name: 'NYC', available: true });
  });

  test("an SSH key's public text comes from private_key", () => {
    const [key] = sshKeyListSchema
      .parse([{ id: 1, identifier: 'k', name: 'ops', private_key: 'ssh-ed25519 AAAA x\n' }])
      .map(sshKeyFromWire);
    expect(key).toMatchObject({ identifier: 'k', publicKey: 'ssh-ed25519 AAAA x' });
  });

  test("everything the simulator renders parses with the client's schemas", () => {
    const catalogue = defaultCatalogue();
    expect(
      datacenterListSchema.safeParse(catalogue.datacenters.map(datacenterToWire)).success,
    ).toBe(true);
    expect(offeringListSchema.safeParse(catalogue.plans.map(offeringToWire)).success).toBe(true);
    expect(resourceListSchema.safeParse(catalogue.plans.map(resourceToWire)).success).toBe(true);
    expect(sshKeyListSchema.safeParse(catalogue.sshKeys.map(sshKeyToWire)).success).toBe(true);
  });
});

describe('auth answers', () => {
  test('expiry as RFC 3339, epoch seconds or epoch milliseconds', () => {
    expect(expiryToMillis('2025-01-01T00:00:00Z')).toBe(Date.UTC(2025, 0, 1));
    expect(expiryToMillis(1_735_689_600)).toBe(Date.UTC(2025, 0, 1));
    expect(expiryToMillis('1735689600000')).toBe(Date.UTC(2025, 0, 1));
    expect(expiryToMillis('whenever')).toBeUndefined();
    expect(expiryToMillis(undefined)).toBeUndefined();
  });

  test('the token sits at the top level of the answer', () => {
    expect(
      accessTokenFromWire({
        error: false,
        accessToken: { token: 'abc', expires: '2025-01-01T00:00:00Z' },
        refreshToken: { token: 'r', expires: '2025-01-02T00:00:00Z' },
      }),
    ).toEqual({ token: 'abc', expiresAt: Date.UTC(2025, 0, 1) });
    expect(accessTokenFromWire({ error: false, data: {} })).toBeUndefined();
  });
});

test('route paths fill in and encode parameters', () => {
  expect(routePath('getVm', { identifier: 'a b/c' })).toBe('/api/v2/vm/a%20b%2Fc');
  expect(routePath('getVmStatus', { identifier: 'u1' })).toBe('/api/v2/vm/status/u1');
  expect(routePath('getSshKey', { identifier: 'k' })).toBe('/apps/v2/sshkey/k');
  expect(() => routePath('getVm')).toThrow(/identifier/);
});
