// parseNodeRegistration: what the VPSie simulator learns from user-data. Rendering then parsing
// must give back the name, labels, taints and keys that were rendered.
import fc from 'fast-check';
import {
  NodeRegistrationError,
  chooseTemplateSource,
  parseNodeRegistration,
  renderCloudInit,
} from '../../../../src/provisioning/cloud-init';
import { ed25519Key } from '../ssh-keys/openssh-keys';
import { BUILT_INS } from './support';

const KEYS = [ed25519Key('a@test').line, ed25519Key('b@test').line, ed25519Key('c@test').line];

const labelKey = fc.stringMatching(
  /^([a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?(\.[a-z0-9]{1,6})*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?$/,
);
const labelValue = fc.stringMatching(/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,10})?[A-Za-z0-9])?$/);
const taint = fc.record(
  {
    key: labelKey,
    value: labelValue.filter((value) => value !== ''),
    effect: fc.constantFrom(
      'NoSchedule' as const,
      'PreferNoSchedule' as const,
      'NoExecute' as const,
    ),
  },
  { requiredKeys: ['key', 'effect'] },
);
const nodeName = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);

test('render then parse gives back the node name, labels, taints and SSH keys', () => {
  fc.assert(
    fc.property(
      nodeName,
      fc.dictionary(labelKey, labelValue, { maxKeys: 6 }),
      fc.array(taint, { maxLength: 4 }),
      fc.subarray(KEYS),
      (name, labels, taints, keys) => {
        const builtIns = {
          ...BUILT_INS,
          NodeName: name,
          NodeLabels: labels,
          NodeTaints: taints,
          SSHAuthorizedKeys: keys,
        };
        const { userData } = renderCloudInit({ source: chooseTemplateSource({}), builtIns });
        expect(parseNodeRegistration(userData)).toEqual({
          nodeName: name,
          labels,
          taints,
          sshAuthorizedKeys: keys,
        });
      },
    ),
    { numRuns: 100 },
  );
});

const joinConfiguration = (registration: string) => `
      apiVersion: kubeadm.k8s.io/v1beta3
      kind: JoinConfiguration
      discovery:
        bootstrapToken: {apiServerEndpoint: "10.0.0.1:6443", token: t, caCertHashes: [h]}
${registration}`;

test('the v1beta3 map form of kubeletExtraArgs is read too', () => {
  const userData = `#cloud-config
hostname: ignored-when-named
write_files:
  - path: /etc/kubeadm.yaml
    content: |
${joinConfiguration(`      nodeRegistration:
        name: worker-1
        kubeletExtraArgs:
          node-labels: "a=1,example.com/b=2"
          max-pods: "50"
        taints:
          - {key: k, effect: NoExecute}`)}
`;
  expect(parseNodeRegistration(userData)).toEqual({
    nodeName: 'worker-1',
    labels: { a: '1', 'example.com/b': '2' },
    taints: [{ key: 'k', effect: 'NoExecute' }],
    sshAuthorizedKeys: [],
  });
});

test('a base64 file holding several documents, and the hostname as the name, are understood', () => {
  const content = `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
maxPods: 50
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery: {bootstrapToken: {apiServerEndpoint: "10.0.0.1:6443", token: t, caCertHashes: [h]}}
`;
  const userData = `#cloud-config
hostname: from-hostname
ssh_authorized_keys: ["${KEYS[0]}"]
write_files:
  - path: /etc/motd
    content: hello
  - path: /etc/kubernetes/join.yaml
    encoding: b64
    content: ${Buffer.from(content).toString('base64')}
`;
  expect(parseNodeRegistration(userData)).toEqual({
    nodeName: 'from-hostname',
    labels: {},
    taints: [],
    sshAuthorizedKeys: [KEYS[0]],
  });
});

describe('user-data it cannot read is refused with the reason', () => {
  test.each([
    ['a shell script', '#!/bin/sh\nkubeadm join x\n', 'not a #cloud-config'],
    ['invalid YAML', '#cloud-config\na: [\n', 'not valid YAML'],
    [
      'no JoinConfiguration',
      '#cloud-config\nhostname: x\nruncmd: [[kubeadm, join, x]]\n',
      'no kubeadm JoinConfiguration',
    ],
    [
      'two JoinConfigurations',
      `#cloud-config\nwrite_files:\n  - path: /a.yaml\n    content: |\n${joinConfiguration('      nodeRegistration: {name: a}')}\n  - path: /b.yaml\n    content: |\n${joinConfiguration('      nodeRegistration: {name: b}')}\n`,
      '2 kubeadm JoinConfigurations',
    ],
    [
      'no name at all',
      `#cloud-config\nwrite_files:\n  - path: /a.yaml\n    content: |\n${joinConfiguration('      nodeRegistration: {}')}\n`,
      'neither nodeRegistration.name nor hostname',
    ],
    [
      'a node-labels entry without =',
      `#cloud-config\nwrite_files:\n  - path: /a.yaml\n    content: |\n${joinConfiguration('      nodeRegistration: {name: a, kubeletExtraArgs: [{name: node-labels, value: "a=1,b"}]}')}\n`,
      'not key=value',
    ],
    [
      'a taint without an effect',
      `#cloud-config\nwrite_files:\n  - path: /a.yaml\n    content: |\n${joinConfiguration('      nodeRegistration: {name: a, taints: [{key: k}]}')}\n`,
      'taints[0]',
    ],
    [
      'ssh_authorized_keys that is not a list',
      `#cloud-config\nssh_authorized_keys: ssh-ed25519 AAAA\nwrite_files:\n  - path: /a.yaml\n    content: |\n${joinConfiguration('      nodeRegistration: {name: a}')}\n`,
      'ssh_authorized_keys',
    ],
  ])('%s', (_, userData, words) => {
    expect(() => parseNodeRegistration(userData)).toThrow(NodeRegistrationError);
    expect(() => parseNodeRegistration(userData)).toThrow(words);
  });
});
