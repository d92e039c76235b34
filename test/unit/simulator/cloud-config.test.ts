// The simulator's reading of user-data, as cloud-init + kubeadm + the kubelet would act on it:
// which keys get installed, and what `kubeadm join` would register (or why it never joins).
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { interpretUserData } from '../../../src/simulator/cluster-join/cloud-config';
import type { JoinPlan, JoinReading } from '../../../src/simulator/cluster-join/join-plan';

const TOKEN = 'abcdef.0123456789abcdef';
const PIN = `sha256:${'1a'.repeat(32)}`;
const ENDPOINT = '10.0.0.10:6443';

function planOf(reading: JoinReading): JoinPlan {
  if (reading.kind !== 'join') throw new Error(`expected a join, got ${JSON.stringify(reading)}`);
  return reading.plan;
}

function reasonOf(reading: JoinReading, kind: 'none' | 'invalid'): string {
  if (reading.kind !== kind) throw new Error(`expected ${kind}, got ${JSON.stringify(reading)}`);
  return reading.reason;
}

/** A v1beta4 JoinConfiguration document; `registration` lines go under nodeRegistration. */
function v1beta4(registration: string[] = [], discovery: string[] = []): string[] {
  return [
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'kind: JoinConfiguration',
    'discovery:',
    '  bootstrapToken:',
    `    apiServerEndpoint: "${ENDPOINT}"`,
    `    token: "${TOKEN}"`,
    `    caCertHashes: ["${PIN}"]`,
    ...discovery,
    'nodeRegistration:',
    ...registration.map((line) => `  ${line}`),
  ];
}

/** A cloud-config writing `file` to /etc/kubernetes/join.yaml and joining with it. */
function configJoin(file: string[], extra: string[] = []): string {
  return [
    '#cloud-config',
    ...extra,
    'write_files:',
    '  - path: /etc/kubernetes/join.yaml',
    '    content: |',
    ...file.map((line) => `      ${line}`),
    'runcmd:',
    '  - [kubeadm, join, --config, /etc/kubernetes/join.yaml]',
  ].join('\n');
}

const flagsJoin = (...more: string[]) =>
  [
    '#cloud-config',
    'runcmd:',
    `  - kubeadm join ${ENDPOINT} --token ${TOKEN} --discovery-token-ca-cert-hash ${PIN} ${more.join(' ')}`,
  ].join('\n');

describe('kubeadm JoinConfiguration in a cloud-config', () => {
  test('v1beta4: name, taints, node-labels from the {name, value} list, and the discovery', () => {
    const reading = interpretUserData(
      configJoin(
        v1beta4([
          'name: pool-a-1',
          'taints:',
          '  - {key: dedicated, value: batch, effect: NoSchedule}',
          '  - {key: spot, effect: PreferNoSchedule}',
          'kubeletExtraArgs:',
          '  - name: node-labels',
          '    value: "pool=a, node.kubernetes.io/pool=a,tier=batch"',
          '  - name: provider-id',
          '    value: vpsie://1234',
        ]),
      ),
    );
    expect(reading.format).toBe('cloud-config');
    expect(planOf(reading.join)).toEqual({
      source: 'config-file',
      configPath: '/etc/kubernetes/join.yaml',
      apiVersion: 'kubeadm.k8s.io/v1beta4',
      discovery: {
        apiServerEndpoint: ENDPOINT,
        token: TOKEN,
        caCertHashes: [PIN],
        unsafeSkipCAVerification: false,
      },
      tlsBootstrapToken: TOKEN,
      nodeName: 'pool-a-1',
      kubeletArgs: [
        { name: 'node-labels', value: 'pool=a, node.kubernetes.io/pool=a,tier=batch' },
        { name: 'provider-id', value: 'vpsie://1234' },
      ],
      nodeLabels: { pool: 'a', 'node.kubernetes.io/pool': 'a', tier: 'batch' },
      taints: [
        { key: 'dedicated', value: 'batch', effect: 'NoSchedule' },
        { key: 'spot', effect: 'PreferNoSchedule' },
      ],
      providerId: 'vpsie://1234',
    });
  });

  test('v1beta3 in a multi-document file written base64-encoded: kubeletExtraArgs is a map', () => {
    const file = [
      'apiVersion: kubeadm.k8s.io/v1beta3',
      'kind: ClusterConfiguration',
      'kubernetesVersion: v1.30.0',
      '---',
      'apiVersion: kubeadm.k8s.io/v1beta3',
      'kind: JoinConfiguration',
      'discovery:',
      '  bootstrapToken:',
      `    apiServerEndpoint: ${ENDPOINT}`,
      `    token: ${TOKEN}`,
      `    caCertHashes: [${PIN}]`,
      '  tlsBootstrapToken: zyxwvu.zyxwvutsrqponmlk',
      'nodeRegistration:',
      '  kubeletExtraArgs:',
      '    node-labels: "gpu=true"',
      '---',
      'apiVersion: kubelet.config.k8s.io/v1beta1',
      'kind: KubeletConfiguration',
      'maxPods: 50',
    ].join('\n');
    const userData = [
      '#cloud-config',
      'write_files:',
      '  - path: /root/join.yaml',
      '    encoding: b64',
      `    content: ${Buffer.from(file).toString('base64')}`,
      'runcmd:',
      '  - "sudo kubeadm join --config /root/join.yaml --ignore-preflight-errors=all -v=5"',
    ].join('\n');
    const plan = planOf(interpretUserData(userData).join);
    expect(plan).toMatchObject({
      apiVersion: 'kubeadm.k8s.io/v1beta3',
      tlsBootstrapToken: 'zyxwvu.zyxwvutsrqponmlk',
      nodeLabels: { gpu: 'true' },
      taints: [],
    });
    expect(plan.nodeName).toBeUndefined();
  });

  test('gzip+base64 files, appended files and a relative --config path are read as written', () => {
    const [first, ...rest] = v1beta4(['name: zipped']);
    const userData = [
      '#cloud-config',
      'write_files:',
      '  - path: /etc/join.yaml',
      `    content: "${first}\\n"`,
      '  - path: /etc/join.yaml',
      '    append: true',
      '    encoding: gz+b64',
      `    content: ${gzipSync(rest.join('\n')).toString('base64')}`,
      'runcmd:',
      '  - [sh, -c, "cd /etc && kubeadm join --config etc/join.yaml"]',
    ].join('\n');
    // cloud-init runs runcmd from /, and `cd` is not followed: etc/join.yaml is /etc/join.yaml.
    expect(planOf(interpretUserData(userData).join).nodeName).toBe('zipped');
  });

  test('a file the join reads but nothing writes: kubeadm fails, the VM never joins', () => {
    const userData = ['#cloud-config', 'runcmd:', '  - kubeadm join --config /missing.yaml'];
    expect(reasonOf(interpretUserData(userData.join('\n')).join, 'invalid')).toMatch(
      /--config \/missing.yaml: no such file/,
    );
  });

  test('refusals kubeadm makes before contacting anything', () => {
    const cases: Array<[string, RegExp]> = [
      [
        configJoin(v1beta4().map((l) => l.replace('v1beta4', 'v1beta2'))),
        /does not read .*v1beta2/,
      ],
      [configJoin([...v1beta4(), 'controlPlane: {}']), /control-plane joins .* not simulated/],
      [
        configJoin(
          v1beta4([], ['    unsafeSkipCAVerification: false']).filter(
            (l) => !l.includes('caCertHashes'),
          ),
        ),
        /without caCertHashes/,
      ],
      [
        configJoin(v1beta4(['kubeletExtraArgs: {node-labels: "a=b"}'])),
        /must be a list of \{name, value\}/,
      ],
      [configJoin(v1beta4(['taints: [{key: x, effect: Sometimes}]'])), /effect "Sometimes"/],
      [
        configJoin(v1beta4().map((l) => l.replace(ENDPOINT, `https://${ENDPOINT}`))),
        /must be host:port/,
      ],
      [
        configJoin(v1beta4().map((l) => l.replace(PIN, 'md5:abc'))),
        /unknown CA cert hash format "md5"/,
      ],
      [configJoin(v1beta4().map((l) => l.replace(PIN, 'sha256:abc'))), /not a 32-byte SHA-256/],
      [configJoin(['kind: JoinConfiguration', 'discovery: [unclosed']), /is not valid YAML/],
      [configJoin(['apiVersion: v1', 'kind: ConfigMap']), /holds no kubeadm JoinConfiguration/],
    ];
    for (const [userData, reason] of cases) {
      expect(reasonOf(interpretUserData(userData).join, 'invalid')).toMatch(reason);
    }
  });

  test('unsafeSkipCAVerification lets a join go without pins', () => {
    const file = v1beta4([], ['    unsafeSkipCAVerification: true']).filter(
      (l) => !l.includes('caCertHashes'),
    );
    expect(planOf(interpretUserData(configJoin(file)).join).discovery).toMatchObject({
      caCertHashes: [],
      unsafeSkipCAVerification: true,
    });
  });

  test('a token that is not <id>.<secret> is refused without the reason repeating it', () => {
    const secretLooking = 'NOT-A-TOKEN-s3cr3t';
    const reading = interpretUserData(
      configJoin(v1beta4().map((l) => l.replace(TOKEN, secretLooking))),
    );
    const reason = reasonOf(reading.join, 'invalid');
    expect(reason).toMatch(/discovery token is not of the form/);
    expect(reason).not.toContain(secretLooking);
  });
});

describe('the kubelet flags that shape the Node', () => {
  test('labels the kubelet may not set itself stop it from starting', () => {
    const reading = interpretUserData(
      configJoin(
        v1beta4([
          'kubeletExtraArgs:',
          '  - {name: node-labels, value: "node-role.kubernetes.io/worker=,team=a"}',
        ]),
      ),
    );
    expect(reasonOf(reading.join, 'invalid')).toMatch(
      /kubelet refuses to start: unknown 'kubernetes.io' or 'k8s.io' labels .*node-role.kubernetes.io\/worker/,
    );
  });

  test('the allowed kubelet namespaces and well-known labels pass; a malformed pair does not', () => {
    const ok = interpretUserData(
      configJoin(
        v1beta4([
          'kubeletExtraArgs:',
          '  - name: node-labels',
          '    value: "node.kubernetes.io/pool=a,x.kubelet.kubernetes.io/y=z,topology.kubernetes.io/zone=nyc"',
        ]),
      ),
    );
    expect(planOf(ok.join).nodeLabels).toEqual({
      'node.kubernetes.io/pool': 'a',
      'x.kubelet.kubernetes.io/y': 'z',
      'topology.kubernetes.io/zone': 'nyc',
    });
    const bad = interpretUserData(
      configJoin(v1beta4(['kubeletExtraArgs: [{name: node-labels, value: "novalue"}]'])),
    );
    expect(reasonOf(bad.join, 'invalid')).toMatch(/malformed pair "novalue"/);
    const badValue = interpretUserData(
      configJoin(v1beta4(['kubeletExtraArgs: [{name: node-labels, value: "a=b c"}]'])),
    );
    expect(reasonOf(badValue.join, 'invalid')).toMatch(/invalid node label a=b c/);
  });

  test('--register-with-taints and --hostname-override win over kubeadm; labels merge', () => {
    const reading = interpretUserData(
      configJoin(
        v1beta4([
          'name: from-kubeadm',
          'taints: [{key: from-kubeadm, effect: NoSchedule}]',
          'kubeletExtraArgs:',
          '  - {name: node-labels, value: "a=1"}',
          '  - {name: node-labels, value: "b=2"}',
          '  - {name: register-with-taints, value: "flag=x:NoExecute,other:NoSchedule"}',
          '  - {name: hostname-override, value: overridden}',
        ]),
      ),
    );
    expect(planOf(reading.join)).toMatchObject({
      nodeName: 'overridden',
      nodeLabels: { a: '1', b: '2' },
      taints: [
        { key: 'flag', value: 'x', effect: 'NoExecute' },
        { key: 'other', effect: 'NoSchedule' },
      ],
    });
  });

  test('KUBELET_EXTRA_ARGS in /etc/default/kubelet is read when the join runs', () => {
    const reading = interpretUserData(
      [
        '#cloud-config',
        'write_files:',
        '  - path: /etc/default/kubelet',
        '    content: |',
        '      KUBELET_EXTRA_ARGS="--node-labels=pool=b --register-with-taints=gpu=true:NoSchedule"',
        'runcmd:',
        `  - kubeadm join ${ENDPOINT} --token ${TOKEN} --discovery-token-ca-cert-hash ${PIN}`,
      ].join('\n'),
    );
    expect(planOf(reading.join)).toMatchObject({
      nodeLabels: { pool: 'b' },
      taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }],
    });
  });
});

describe('kubeadm join with flags', () => {
  test('a runcmd string with the flags form, both --flag value and --flag=value', () => {
    const plan = planOf(interpretUserData(flagsJoin('--node-name=worker-7', '-v', '5')).join);
    expect(plan).toMatchObject({
      source: 'flags',
      discovery: { apiServerEndpoint: ENDPOINT, token: TOKEN, caCertHashes: [PIN] },
      tlsBootstrapToken: TOKEN,
      nodeName: 'worker-7',
      nodeLabels: {},
      taints: [],
    });
  });

  test('the list form of runcmd, with separate discovery and TLS bootstrap tokens', () => {
    const userData = [
      '#cloud-config',
      'runcmd:',
      `  - [/usr/bin/kubeadm, join, "${ENDPOINT}", --discovery-token, ${TOKEN}, --tls-bootstrap-token, zyxwvu.zyxwvutsrqponmlk, "--discovery-token-ca-cert-hash=${PIN},${PIN.replace('1a', '2b')}"]`,
    ].join('\n');
    const plan = planOf(interpretUserData(userData).join);
    expect(plan.discovery.token).toBe(TOKEN);
    expect(plan.tlsBootstrapToken).toBe('zyxwvu.zyxwvutsrqponmlk');
    expect(plan.discovery.caCertHashes).toHaveLength(2);
  });

  test('refusals of the command line: unknown flag, --config mixed with flags, two endpoints', () => {
    expect(reasonOf(interpretUserData(flagsJoin('--nodename', 'x')).join, 'invalid')).toMatch(
      /unknown flag: --nodename/,
    );
    const mixed = ['#cloud-config', 'runcmd:', `  - kubeadm join --config /x --token ${TOKEN}`];
    expect(reasonOf(interpretUserData(mixed.join('\n')).join, 'invalid')).toMatch(
      /can not mix '--config' with arguments \[token\]/,
    );
    expect(reasonOf(interpretUserData(flagsJoin('10.0.0.11:6443')).join, 'invalid')).toMatch(
      /at most 1 arg/,
    );
    expect(reasonOf(interpretUserData(flagsJoin('--control-plane')).join, 'invalid')).toMatch(
      /control-plane joins/,
    );
  });
});

describe('shell scripts', () => {
  test('variables, a here-document kubelet env file, hostnamectl and sudo are followed', () => {
    const script = [
      '#!/usr/bin/env bash',
      'set -euo pipefail',
      `TOKEN='${TOKEN}'`,
      `export HASH="${PIN}"`,
      "cat <<'EOF' | sudo tee /etc/default/kubelet >/dev/null",
      'KUBELET_EXTRA_ARGS=--node-labels=role=batch',
      'EOF',
      'hostnamectl set-hostname Batch-Node-3',
      'if ! sudo -E kubeadm join \\',
      `    ${ENDPOINT} --token "$TOKEN" \\`,
      '    --discovery-token-ca-cert-hash "${HASH}"; then',
      '  echo "join failed" >&2; exit 1',
      'fi',
    ].join('\n');
    const reading = interpretUserData(script);
    expect(reading).toMatchObject({ format: 'shell-script', hostname: 'Batch-Node-3' });
    expect(planOf(reading.join)).toMatchObject({
      discovery: { token: TOKEN, caCertHashes: [PIN] },
      nodeLabels: { role: 'batch' },
    });
    expect(planOf(reading.join).nodeName).toBeUndefined();
  });

  test('a config written by echo > file (a multi-line quoted string), then joined with --config', () => {
    const script = [
      '#!/bin/sh',
      `echo "${v1beta4(['name: echoed']).join('\n')}" > /tmp/join.yaml`,
      'kubeadm join --config=/tmp/join.yaml',
    ].join('\n');
    expect(planOf(interpretUserData(script).join).nodeName).toBe('echoed');
  });

  test('an unexpanded variable in the token is called out; a script that never joins says so', () => {
    const script = `#!/bin/bash\nkubeadm join ${ENDPOINT} --token "$JOIN_TOKEN" --discovery-token-ca-cert-hash ${PIN}`;
    expect(reasonOf(interpretUserData(script).join, 'invalid')).toMatch(
      /unexpanded shell variable/,
    );
    expect(reasonOf(interpretUserData('#!/bin/sh\napt-get update\n').join, 'none')).toMatch(
      /nothing in the user-data runs kubeadm join/,
    );
  });

  test('a script a shell cannot parse does not run', () => {
    const reading = interpretUserData(`#!/bin/sh\necho "unterminated\nkubeadm join ${ENDPOINT}`);
    expect(reasonOf(reading.join, 'none')).toMatch(/not valid shell \(unterminated double quote\)/);
  });

  test('a script for another interpreter is not followed', () => {
    const reading = interpretUserData('#!/usr/bin/python3\nprint("kubeadm join")\n');
    expect(reading.format).toBe('unsupported');
    expect(reasonOf(reading.join, 'none')).toMatch(/only #cloud-config and #! shell scripts/);
  });
});

describe('no join, and broken user-data', () => {
  test('no user-data, or a cloud-config without runcmd, boots without joining', () => {
    expect(interpretUserData(undefined)).toMatchObject({
      format: 'empty',
      join: { kind: 'none', reason: expect.stringMatching(/no user-data/) },
    });
    const written = configJoin(v1beta4()).replace(/runcmd:[\s\S]*$/, '');
    expect(reasonOf(interpretUserData(written).join, 'none')).toMatch(/nothing .* runs kubeadm/);
  });

  test('malformed YAML: cloud-init ignores all of it, recorded as the reason, no crash', () => {
    const reading = interpretUserData(
      '#cloud-config\nssh_authorized_keys: [ssh-ed25519 AAAA x\nruncmd:\n  - [kubeadm, join]\n',
    );
    expect(reading.authorizedKeys).toEqual([]);
    expect(reading.problem).toMatch(/not valid YAML, so cloud-init ignores all of it/);
    expect(reasonOf(reading.join, 'none')).toBe(reading.problem);
  });

  test('a cloud-config that is not a mapping, and a #cloud-config not on the first line', () => {
    expect(reasonOf(interpretUserData('#cloud-config\n- a\n- b\n').join, 'none')).toMatch(
      /not a mapping/,
    );
    expect(interpretUserData('\n#cloud-config\nruncmd: []\n').format).toBe('unsupported');
  });
});

describe('SSH keys and the hostname cloud-init sets', () => {
  test('top-level keys go to the default user; users[] keys to each user; problems noted', () => {
    const reading = interpretUserData(
      [
        '#cloud-config',
        'hostname: web-1',
        'ssh_authorized_keys:',
        '  - ssh-ed25519 AAAA one',
        '  - ssh-ed25519 AAAA one',
        'users:',
        '  - default',
        '  - name: deploy',
        '    ssh_authorized_keys: [ssh-rsa BBBB deploy]',
        '  - name: broken',
        '    ssh_authorized_keys: ssh-rsa CCCC not-a-list',
      ].join('\n'),
    );
    expect(reading.hostname).toBe('web-1');
    expect(reading.authorizedKeys).toEqual([
      { user: 'default', key: 'ssh-ed25519 AAAA one' },
      { user: 'default', key: 'ssh-ed25519 AAAA one' },
      { user: 'deploy', key: 'ssh-rsa BBBB deploy' },
    ]);
    expect(reading.problem).toMatch(/users\[broken\].ssh_authorized_keys is not a list/);
  });

  test('fqdn sets the short hostname; preserve_hostname keeps the machine name', () => {
    expect(interpretUserData('#cloud-config\nfqdn: node-9.example.com\n').hostname).toBe('node-9');
    expect(
      interpretUserData('#cloud-config\nhostname: x\npreserve_hostname: true\n').hostname,
    ).toBeUndefined();
  });
});

describe('robustness', () => {
  test('no user-data makes the reader throw: cloud-config, shell or anything else', () => {
    const fragment = fc.constantFrom(
      'runcmd:',
      '  - ',
      'kubeadm join',
      ' --config /a',
      'write_files:',
      '- path: /a',
      '  content: |',
      '    kind: JoinConfiguration',
      '&a [*a, *a]',
      '*b',
      '"',
      "'",
      '<<EOF',
      'EOF',
      '$(',
      '`',
      '\\',
      '{',
      '[',
      ': :',
      '\t',
      '---',
      '!!binary',
      'encoding: gz+b64',
    );
    const separator = fc.constantFrom('\n', ' ', '');
    const body = fc.oneof(
      fc.string(),
      fc
        .array(fc.tuple(fragment, separator))
        .map((parts) => parts.map(([text, sep]) => text + sep).join('')),
    );
    fc.assert(
      fc.property(fc.constantFrom('#cloud-config\n', '#!/bin/sh\n', ''), body, (head, rest) => {
        const reading = interpretUserData(head + rest);
        expect(['join', 'none', 'invalid']).toContain(reading.join.kind);
      }),
      { numRuns: 500 },
    );
  });

  test('YAML aliases that would blow up are a recorded problem, not a crash', () => {
    const bomb = ['#cloud-config', 'a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const letter of 'bcdefghijk') {
      const previous = String.fromCharCode(letter.charCodeAt(0) - 1);
      bomb.push(`${letter}: &${letter} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    const reading = interpretUserData(bomb.join('\n'));
    expect(reading.join.kind).toBe('none');
    expect(reading.problem).toMatch(/cloud-init ignores/);
  });
});
