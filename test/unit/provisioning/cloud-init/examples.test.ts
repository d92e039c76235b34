// The manifests in deploy/examples are documentation users copy, so each is loaded here, its
// templates rendered with sample built-ins and validated, and every NodeGroup parsed with the CRD
// schema. Each template must still join the node: render → parseNodeRegistration must give back
// the sample node name, labels, taints and keys.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { NodeGroup } from '../../../../src/apis/v1alpha1';
import {
  type ConfigMapLike,
  SAMPLE_BUILT_IN_VARIABLES,
  checkCloudInitTemplate,
  chooseTemplateSource,
  parseNodeRegistration,
} from '../../../../src/provisioning/cloud-init';
import { mergeSshKeys, secretSshKeys } from '../../../../src/provisioning/ssh-keys';
import { renderError } from './support';

const EXAMPLES = resolve(__dirname, '../../../../deploy/examples');

interface Manifest {
  kind: string;
  metadata: { name: string };
  [field: string]: unknown;
}

function manifests(file: string): Manifest[] {
  const documents = parseAllDocuments(readFileSync(join(EXAMPLES, file), 'utf8'));
  return (Array.isArray(documents) ? documents : []).map((document) => {
    expect(document.errors).toEqual([]);
    return document.toJS() as Manifest;
  });
}

function configMap(file: string): ConfigMapLike & Manifest {
  const found = manifests(file).filter((manifest) => manifest.kind === 'ConfigMap');
  expect(found).toHaveLength(1);
  return found[0] as ConfigMapLike & Manifest;
}

function expectItJoins(userData: string) {
  expect(parseNodeRegistration(userData)).toEqual({
    nodeName: SAMPLE_BUILT_IN_VARIABLES.NodeName,
    labels: SAMPLE_BUILT_IN_VARIABLES.NodeLabels,
    taints: SAMPLE_BUILT_IN_VARIABLES.NodeTaints,
    sshAuthorizedKeys: SAMPLE_BUILT_IN_VARIABLES.SSHAuthorizedKeys,
  });
  const runcmd = JSON.stringify(parse(userData).runcmd);
  expect(runcmd).toMatch(
    /kubeadm.{1,4}join.{1,4}--config.{1,4}\/etc\/kubernetes\/kubeadm-join\.yaml/,
  );
}

describe.each([
  ['cloud-init/gpu-node-template.yaml', { NvidiaDriverVersion: '570' }],
  ['cloud-init/arm64-node-template.yaml', { KubernetesMinorVersion: 'v1.34' }],
  [
    'cloud-init/custom-packages-template.yaml',
    { NtpServer: 'ntp.example.com', TimeZone: 'Europe/Berlin', ExtraPackage: 'htop' },
  ],
])('%s', (file, variables) => {
  const map = configMap(file);
  const ref = { name: map.metadata.name, key: 'user-data.hbs' };
  const source = chooseTemplateSource({ cloudInitTemplateRef: ref }, map);

  test('renders into valid cloud-config that still joins the node', () => {
    const rendered = checkCloudInitTemplate(source, variables);
    expect(rendered.format).toBe('cloud-config');
    expectItJoins(rendered.userData);
  });

  test('its variables are substituted', () => {
    const { userData } = checkCloudInitTemplate(source, variables);
    for (const value of Object.values(variables)) expect(userData).toContain(value);
  });

  test('it needs the variables its header comment lists, and says which is missing', () => {
    const header = readFileSync(join(EXAMPLES, file), 'utf8');
    for (const name of Object.keys(variables)) {
      expect(header).toMatch(new RegExp(`^#\\s+${name}\\s`, 'm'));
      const others = Object.fromEntries(Object.entries(variables).filter(([key]) => key !== name));
      const error = renderError(() => checkCloudInitTemplate(source, others));
      expect(error.kind).toBe('unknown_variable');
      expect(error.reference).toBe(name);
    }
  });
});

describe('nodegroup-with-cloudinit.yaml', () => {
  const all = manifests('nodegroup-with-cloudinit.yaml');
  const nodeGroup = NodeGroup.parse(all.find((manifest) => manifest.kind === 'NodeGroup'));
  const map = configMap('nodegroup-with-cloudinit.yaml');

  test('the NodeGroup is valid and references the ConfigMap with variables', () => {
    expect(nodeGroup.spec.cloudInitTemplateRef).toEqual({
      name: map.metadata.name,
      key: 'user-data.hbs',
    });
    expect(nodeGroup.spec.cloudInitVariables).toEqual({ TimeZone: 'Europe/Berlin' });
  });

  test("the referenced template renders with the NodeGroup's variables and joins", () => {
    const source = chooseTemplateSource(nodeGroup.spec, map);
    expect(source.kind).toBe('configMap');
    const rendered = checkCloudInitTemplate(source, nodeGroup.spec.cloudInitVariables);
    expect(parse(rendered.userData).timezone).toBe('Europe/Berlin');
    expectItJoins(rendered.userData);
  });
});

describe('nodegroup-with-ssh-keys.yaml', () => {
  const all = manifests('nodegroup-with-ssh-keys.yaml');
  const nodeGroup = NodeGroup.parse(all.find((manifest) => manifest.kind === 'NodeGroup'));
  const secret = all.find((manifest) => manifest.kind === 'Secret') as Manifest & {
    stringData: Record<string, string>;
  };

  test('every key source merges, and every public key in it is valid', () => {
    const ref = nodeGroup.spec.sshKeySecretRef!;
    expect(ref.name).toBe(secret.metadata.name);
    const merged = mergeSshKeys({
      defaultKeyIds: ['global-key'],
      nodeGroup: nodeGroup.spec,
      secretKeys: secretSshKeys(ref, secret),
    });
    expect(merged.rejected).toEqual([]);
    expect(merged.warnings).toEqual([]);
    expect(merged.keyIds).toEqual(['global-key', 'ops-key-1']);
    expect(merged.publicKeys).toEqual([
      ...nodeGroup.spec.sshPublicKeys!,
      secret.stringData['oncall.pub'],
    ]);
  });
});
