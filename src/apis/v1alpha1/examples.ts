// Example manifests, shown in docs/api/crds.md and accepted by the tests both by our zod parsing
// and by a real API server, so the documented examples cannot rot.
import { API_VERSION } from './groupversion';
import type { NodeGroupSpecInput } from './nodegroup';
import type { VPSieNodeSpec } from './vpsienode';

export interface ExampleManifest<Spec> {
  apiVersion: typeof API_VERSION;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: Spec;
}

/** The fields a NodeGroup must have; everything else is defaulted. */
export const minimalNodeGroup: ExampleManifest<NodeGroupSpecInput> = {
  apiVersion: API_VERSION,
  kind: 'NodeGroup',
  metadata: { name: 'workers' },
  spec: {
    minNodes: 1,
    maxNodes: 10,
    datacenterID: 'dc-fra1',
    offeringIDs: ['plan-4c8g'],
    osImageID: 'ubuntu-24-04',
    kubernetesVersion: 'v1.34.4',
  },
};

/** A production-style NodeGroup using the drain limits, windows and bootstrap options. */
export const productionNodeGroup: ExampleManifest<NodeGroupSpecInput> = {
  apiVersion: API_VERSION,
  kind: 'NodeGroup',
  metadata: { name: 'batch' },
  spec: {
    minNodes: 0,
    maxNodes: 50,
    datacenterID: 'dc-fra1',
    offeringIDs: ['plan-4c8g', 'plan-8c16g'],
    preferredInstanceType: 'plan-8c16g',
    osImageID: 'ubuntu-24-04',
    kubernetesVersion: 'v1.34.4',
    labels: { 'node-role.example.com/batch': 'true' },
    taints: [{ key: 'example.com/batch', value: 'true', effect: 'NoSchedule' }],
    scaleDownPolicy: {
      unneededTimeSeconds: 900,
      drainTimeoutSeconds: 1200,
      maxTerminationGracePeriodSeconds: 300,
      maxConcurrentScaleDowns: 2,
      maintenanceWindows: [
        {
          days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
          start: '22:00',
          end: '06:00',
          timeZone: 'Europe/Berlin',
        },
        { days: ['Sat', 'Sun'], start: '00:00', end: '24:00' },
      ],
    },
    provisioning: { nodeReadyTimeoutSeconds: 1200 },
    cloudInitTemplateRef: { name: 'node-bootstrap', key: 'user-data.hbs' },
    cloudInitVariables: { apiServerEndpoint: '10.0.0.10:6443', containerdVersion: '2.1.4' },
    sshKeyIds: ['ops-key-1'],
    sshKeySecretRef: { name: 'node-ssh-keys', keys: ['oncall.pub'] },
    tags: ['k8s', 'batch'],
  },
};

export const exampleVPSieNode: ExampleManifest<VPSieNodeSpec> = {
  apiVersion: API_VERSION,
  kind: 'VPSieNode',
  metadata: { name: 'workers-7f3k2' },
  spec: {
    nodeGroupName: 'workers',
    datacenterID: 'dc-fra1',
    instanceType: 'plan-4c8g',
    osImageID: 'ubuntu-24-04',
    kubernetesVersion: 'v1.34.4',
    nodeName: 'workers-7f3k2',
    sshKeyIds: ['ops-key-1'],
  },
};
