// The committed CRDs against a real kube-apiserver: they install and become Established, the API
// server stores exactly the schema we generate, applies the same defaults as our zod parsing,
// and refuses each invalid object with HTTP 422 naming the field, as zod does.
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import type { CustomResourceDefinition } from '../../src/apis/kubernetes-schema';
import {
  GROUP,
  NodeGroupSpec,
  VERSION,
  exampleVPSieNode,
  minimalNodeGroup,
  productionNodeGroup,
  type NodeGroupSpecInput,
} from '../../src/apis/v1alpha1';
import { createTestNamespace, eventually, kubeConfig } from '../support/cluster';

const REPO_ROOT = resolve(__dirname, '../..');
const CRD_FILES = ['autoscaler.vpsie.com_nodegroups.yaml', 'autoscaler.vpsie.com_vpsienodes.yaml'];

const kc = kubeConfig();
const extensions = kc.makeApiClient(k8s.ApiextensionsV1Api);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);

const crds = CRD_FILES.map(
  (file) =>
    YAML.parse(readFileSync(join(REPO_ROOT, 'crds', file), 'utf8'), {
      version: '1.1',
    }) as CustomResourceDefinition,
);
let namespace: string;
let objectCount = 0;

interface StatusBody {
  code?: number;
  message?: string;
  details?: { causes?: Array<{ field?: string; message?: string; reason?: string }> };
}

/** The Kubernetes Status of a failed call (the client gives it as text or as an object). */
function statusOf(err: unknown): StatusBody & { httpCode: number } {
  if (!(err instanceof k8s.ApiException)) throw err;
  const body = (typeof err.body === 'string' ? JSON.parse(err.body) : err.body) as StatusBody;
  return { ...body, httpCode: err.code };
}

async function failure(call: Promise<unknown>): Promise<StatusBody & { httpCode: number }> {
  try {
    await call;
  } catch (err) {
    return statusOf(err);
  }
  throw new Error('the API server accepted an object it should have refused');
}

const CRD_API = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/** Create or replace: other test files may install the same CRDs on this shared cluster. */
async function install(crd: CustomResourceDefinition): Promise<void> {
  const created = await apiRequest('POST', CRD_API, crd);
  if (created.status === 201) return;
  if (created.status !== 409) throw new Error(`creating ${crd.metadata.name}: ${created.text}`);
  const current = (await apiRequest('GET', `${CRD_API}/${crd.metadata.name}`)).json() as {
    metadata: { resourceVersion: string };
  };
  const body = {
    ...crd,
    metadata: { ...crd.metadata, resourceVersion: current.metadata.resourceVersion },
  };
  const replaced = await apiRequest('PUT', `${CRD_API}/${crd.metadata.name}`, body);
  if (replaced.status !== 200) throw new Error(`replacing ${crd.metadata.name}: ${replaced.text}`);
}

const objectApi = (plural: string) => ({ group: GROUP, version: VERSION, plural });

function nodeGroup(spec: unknown, name = `ng-${++objectCount}`) {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'NodeGroup',
    metadata: { name },
    spec,
  };
}

function createNodeGroup(spec: unknown, fieldValidation?: string) {
  return custom.createNamespacedCustomObject({
    ...objectApi('nodegroups'),
    namespace,
    body: nodeGroup(spec),
    ...(fieldValidation ? { fieldValidation } : {}),
  }) as Promise<{ spec: Record<string, unknown>; metadata: { name: string } }>;
}

beforeAll(async () => {
  for (const crd of crds) await install(crd);
  for (const crd of crds) {
    await eventually(`${crd.metadata.name} Established`, async () => {
      const read = await extensions.readCustomResourceDefinition({ name: crd.metadata.name });
      const established = read.status?.conditions?.find((c) => c.type === 'Established');
      return established?.status === 'True' ? true : undefined;
    });
  }
  namespace = await createTestNamespace(kc, 'crds');
  // Established can precede the resource being served by a moment.
  await eventually('nodegroups served', () =>
    custom.listNamespacedCustomObject({ ...objectApi('nodegroups'), namespace }),
  );
  await eventually('vpsienodes served', () =>
    custom.listNamespacedCustomObject({ ...objectApi('vpsienodes'), namespace }),
  );
});

test.each(CRD_FILES.map((file, i) => [file, i] as const))(
  '%s is stored with exactly the schema, names and columns we generate',
  async (_file, index) => {
    const crd = crds[index]!;
    // Read as JSON on the wire, so nothing is lost to a client model's field renaming.
    const stored = (
      await apiRequest('GET', `${CRD_API}/${crd.metadata.name}`)
    ).json() as CustomResourceDefinition;
    expect(stored.spec.names).toEqual(crd.spec.names);
    expect(stored.spec.scope).toBe('Namespaced');
    expect(stored.spec.versions).toEqual(crd.spec.versions);
  },
);

describe('NodeGroup', () => {
  test.each([
    ['minimal', minimalNodeGroup.spec],
    ['production', productionNodeGroup.spec],
  ])('the %s example is accepted and defaulted exactly as zod defaults it', async (_n, spec) => {
    const created = await createNodeGroup(spec);
    expect(created.spec).toEqual(JSON.parse(JSON.stringify(NodeGroupSpec.parse(spec))));
    expect(created.spec.scaleDownPolicy).toMatchObject({
      utilizationThreshold: 0.5,
      drainTimeoutSeconds: expect.any(Number),
    });
  });

  const minimal = minimalNodeGroup.spec;
  const withScaleDown = (policy: NodeGroupSpecInput['scaleDownPolicy']) => ({
    ...minimal,
    scaleDownPolicy: policy,
  });
  const window = (fields: Record<string, unknown>) =>
    withScaleDown({
      maintenanceWindows: [{ days: ['Mon'], start: '01:00', end: '03:00', ...fields }] as never,
    });

  const invalid: Array<[string, unknown, string, RegExp]> = [
    [
      'minNodes > maxNodes',
      { ...minimal, minNodes: 11 },
      'spec.minNodes',
      /minNodes must be less than or equal to maxNodes/,
    ],
    [
      'inline template and template ref together',
      {
        ...minimal,
        cloudInitTemplate: '#cloud-config',
        cloudInitTemplateRef: { name: 'bootstrap', key: 'user-data' },
      },
      'spec.cloudInitTemplateRef',
      /mutually exclusive/,
    ],
    [
      'too many ssh keys',
      { ...minimal, sshKeyIds: Array.from({ length: 21 }, (_, i) => `key-${i}`) },
      'spec.sshKeyIds',
      /Too many: 21: must have at most 20 items/,
    ],
    [
      'duplicate ssh key',
      { ...minimal, sshKeyIds: ['key-1', 'key-1'] },
      'spec.sshKeyIds[1]',
      /Duplicate value/,
    ],
    [
      'kubernetesVersion without v',
      { ...minimal, kubernetesVersion: '1.34.4' },
      'spec.kubernetesVersion',
      /should match/,
    ],
    [
      'oversized template',
      { ...minimal, cloudInitTemplate: 'x'.repeat(32_769) },
      'spec.cloudInitTemplate',
      /Too long: may not be more than 32768/,
    ],
    [
      'maintenance window starting at 24:30',
      window({ start: '24:30' }),
      'spec.scaleDownPolicy.maintenanceWindows[0].start',
      /should match/,
    ],
    [
      'maintenance window that never opens',
      window({ start: '03:00', end: '03:00' }),
      'spec.scaleDownPolicy.maintenanceWindows[0].end',
      /end must differ from start/,
    ],
    [
      'maintenance window in an unknown time zone',
      window({ timeZone: 'Mars/Olympus_Mons' }),
      'spec.scaleDownPolicy.maintenanceWindows[0].timeZone',
      /timeZone must be a known IANA time zone/,
    ],
    [
      'maintenance window on an unknown day',
      window({ days: ['Funday'] }),
      'spec.scaleDownPolicy.maintenanceWindows[0].days[0]',
      /Unsupported value: "Funday"/,
    ],
    [
      'grace period longer than the drain timeout',
      withScaleDown({ drainTimeoutSeconds: 300, maxTerminationGracePeriodSeconds: 600 }),
      'spec.scaleDownPolicy.maxTerminationGracePeriodSeconds',
      /must not exceed drainTimeoutSeconds/,
    ],
    [
      'a template variable that is not an identifier',
      { ...minimal, cloudInitVariables: { 'api-server': 'x' } },
      'spec.cloudInitVariables',
      /keys must be identifiers/,
    ],
    [
      'a label with the reserved prefix',
      { ...minimal, labels: { 'autoscaler.vpsie.com/managed': 'true' } },
      'spec.labels',
      /must not use the autoscaler.vpsie.com\/ prefix/,
    ],
    [
      'a preferred offering that is not offered',
      { ...minimal, preferredInstanceType: 'plan-other' },
      'spec.preferredInstanceType',
      /must be one of offeringIDs/,
    ],
  ];

  /** zod's issue path in the API server's notation: spec.a[0].b */
  const asFieldPath = (path: PropertyKey[]) =>
    ['spec', ...path.map(String)].join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]');

  test.each(invalid)(
    '%s: refused with 422 naming the field, as zod refuses it',
    async (_name, spec, field, message) => {
      const status = await failure(createNodeGroup(spec));
      expect(status.httpCode).toBe(422);
      expect(status.message).toContain(`${field}:`);
      const cause = status.details?.causes?.find((c) => c.field === field);
      expect(cause?.message).toMatch(message);

      const parsed = NodeGroupSpec.safeParse(spec);
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues.map((i) => asFieldPath(i.path))).toContainEqual(
        expect.stringMatching(new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')}`)),
      );
    },
  );

  test('the old sshKeyIDs spelling is an unknown field under strict field validation', async () => {
    const status = await failure(createNodeGroup({ ...minimal, sshKeyIDs: ['key-1'] }, 'Strict'));
    expect(status.httpCode).toBe(400);
    expect(status.message).toContain('unknown field "spec.sshKeyIDs"');
  });

  test('printer columns show spec and status values in kubectl’s table form', async () => {
    const created = await createNodeGroup(minimal);
    const name = created.metadata.name;
    await custom.replaceNamespacedCustomObjectStatus({
      ...objectApi('nodegroups'),
      namespace,
      name,
      body: {
        ...(await custom.getNamespacedCustomObject({
          ...objectApi('nodegroups'),
          namespace,
          name,
        })),
        status: {
          desiredNodes: 3,
          currentNodes: 2,
          readyNodes: 1,
          conditions: [
            {
              type: 'Scaling',
              status: 'True',
              reason: 'ScalingUp',
              message: '1 node is being provisioned',
              lastTransitionTime: '2026-12-04T12:00:00Z',
            },
          ],
          scaleDownPause: { paused: true, reason: 'incident', pausedBy: 'alice' },
        },
      },
    });
    const table = await getTable(
      `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/nodegroups/${name}`,
    );
    expect(table.columnDefinitions.map((c) => c.name)).toEqual([
      'Name',
      'Min',
      'Max',
      'Desired',
      'Current',
      'Ready',
      'Scaling',
      'Scale-Down Paused',
      'Age',
    ]);
    expect(table.rows[0]!.cells.slice(0, 8)).toEqual([name, 1, 10, 3, 2, 1, 'ScalingUp', true]);
  });
});

describe('VPSieNode', () => {
  const vpsieNodes = objectApi('vpsienodes');
  type VPSieNodeObject = {
    metadata: { name: string };
    spec: Record<string, unknown>;
    status?: unknown;
  };

  async function createVPSieNode(): Promise<VPSieNodeObject> {
    const body = { ...exampleVPSieNode, metadata: { name: `vn-${++objectCount}` } };
    return (await custom.createNamespacedCustomObject({
      ...vpsieNodes,
      namespace,
      body,
    })) as VPSieNodeObject;
  }

  function read(name: string): Promise<VPSieNodeObject> {
    return custom.getNamespacedCustomObject({
      ...vpsieNodes,
      namespace,
      name,
    }) as Promise<VPSieNodeObject>;
  }

  test('is accepted, and its status is written only through the status subresource', async () => {
    const created = await createVPSieNode();
    expect(created.spec).toEqual(exampleVPSieNode.spec);
    const name = created.metadata.name;

    // Status on the main resource is ignored (status subresource semantics).
    await custom.replaceNamespacedCustomObject({
      ...vpsieNodes,
      namespace,
      name,
      body: { ...(await read(name)), status: { phase: 'Ready' } },
    });
    expect((await read(name)).status).toBeUndefined();

    const status = {
      phase: 'Provisioning',
      createdAt: '2025-01-01T00:00:00Z',
      workflowId: `provision/${namespace}/${name}`,
      conditions: [
        {
          type: 'VPSReady',
          status: 'False',
          reason: 'Creating',
          message: 'VM requested',
          lastTransitionTime: '2025-01-01T00:00:00Z',
        },
      ],
    };
    await custom.replaceNamespacedCustomObjectStatus({
      ...vpsieNodes,
      namespace,
      name,
      body: { ...(await read(name)), status },
    });
    expect((await read(name)).status).toEqual(status);

    const badPhase = await failure(
      custom.replaceNamespacedCustomObjectStatus({
        ...vpsieNodes,
        namespace,
        name,
        body: { ...(await read(name)), status: { phase: 'Running' } },
      }),
    );
    expect(badPhase.httpCode).toBe(422);
    expect(badPhase.message).toContain('status.phase');
  });

  test('vpsID can be set once and then never changed; nodeGroupName is immutable', async () => {
    const { metadata } = await createVPSieNode();
    const update = async (spec: Record<string, unknown>) => {
      const current = await read(metadata.name);
      return custom.replaceNamespacedCustomObject({
        ...vpsieNodes,
        namespace,
        name: metadata.name,
        body: { ...current, spec: { ...current.spec, ...spec } },
      });
    };
    await update({ vpsID: 'vm-123', ipAddress: '203.0.113.7' });
    expect((await read(metadata.name)).spec.vpsID).toBe('vm-123');

    const changed = await failure(update({ vpsID: 'vm-456' }));
    expect(changed.httpCode).toBe(422);
    expect(changed.message).toContain('spec.vpsID: ');
    expect(changed.message).toContain('vpsID cannot be changed or removed once set');

    const moved = await failure(update({ nodeGroupName: 'other' }));
    expect(moved.httpCode).toBe(422);
    expect(moved.message).toContain('spec.nodeGroupName: ');
    expect(moved.message).toContain('nodeGroupName is immutable');
  });

  test('printer columns show the VPS ID, node, phase, instance type and group', async () => {
    const { metadata } = await createVPSieNode();
    const current = await read(metadata.name);
    await custom.replaceNamespacedCustomObject({
      ...vpsieNodes,
      namespace,
      name: metadata.name,
      body: { ...current, spec: { ...current.spec, vpsID: 'vm-789' } },
    });
    await custom.replaceNamespacedCustomObjectStatus({
      ...vpsieNodes,
      namespace,
      name: metadata.name,
      body: {
        ...(await read(metadata.name)),
        status: { phase: 'Ready', nodeName: 'workers-7f3k2' },
      },
    });
    const table = await getTable(
      `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/vpsienodes/${metadata.name}`,
    );
    expect(table.columnDefinitions.map((c) => c.name)).toEqual([
      'Name',
      'VPS ID',
      'Node',
      'Phase',
      'Instance Type',
      'NodeGroup',
      'Age',
    ]);
    expect(table.rows[0]!.cells.slice(0, 6)).toEqual([
      metadata.name,
      'vm-789',
      'workers-7f3k2',
      'Ready',
      'plan-4c8g',
      'workers',
    ]);
  });
});

interface Table {
  columnDefinitions: Array<{ name: string }>;
  rows: Array<{ cells: unknown[] }>;
}

interface RawResponse {
  status: number;
  text: string;
  json(): unknown;
}

/** A request with the wire JSON as it is (the typed client renames schema fields). */
async function apiRequest(
  method: string,
  path: string,
  body?: unknown,
  accept = 'application/json',
): Promise<RawResponse> {
  const options: { headers?: Record<string, string> } & Record<string, unknown> = {};
  await kc.applyToHTTPSOptions(options);
  const url = new URL(path, kc.getCurrentCluster()!.server);
  const headers = { ...options.headers, accept, 'content-type': 'application/json' };
  return new Promise((resolveResponse, reject) => {
    const req = request(url, { ...options, method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () =>
        resolveResponse({
          status: res.statusCode ?? 0,
          text,
          json: () => JSON.parse(text) as unknown,
        }),
      );
    });
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

/** GET `path` as a meta.k8s.io Table: what `kubectl get` prints, printer columns included. */
async function getTable(path: string): Promise<Table> {
  const response = await apiRequest(
    'GET',
    path,
    undefined,
    'application/json;as=Table;v=v1;g=meta.k8s.io',
  );
  if (response.status !== 200) throw new Error(`GET ${path} as Table: ${response.text}`);
  return response.json() as Table;
}
