// The work plan's cloud-init cases (P1.3-T4), on the pure renderer: template sources, variable
// substitution and overrides, the default template, and broken templates.
import { parse } from 'yaml';
import {
  CloudInitTemplateError,
  DEFAULT_CLOUD_INIT_TEMPLATE,
  chooseTemplateSource,
  parseNodeRegistration,
  renderCloudInit,
} from '../../../../src/provisioning/cloud-init';
import { BUILT_INS, renderError, renderInline, renderedDocument } from './support';

const JOINING_TEMPLATE = `#cloud-config
hostname: {{NodeName}}
runcmd:
  - [kubeadm, join, {{ClusterEndpoint}}, --token, {{JoinToken}}, --discovery-token-ca-cert-hash, {{CACertHash}}]
`;

describe('TestCloudInit_InlineTemplate', () => {
  test('an inline cloudInitTemplate is chosen and rendered with the built-ins', () => {
    const source = chooseTemplateSource({ cloudInitTemplate: JOINING_TEMPLATE });
    expect(source).toEqual({ kind: 'inline', text: JOINING_TEMPLATE });

    const rendered = renderCloudInit({ source, builtIns: BUILT_INS });
    expect(rendered.format).toBe('cloud-config');
    expect(rendered.template).toBe('inline cloudInitTemplate');
    expect(rendered.bytes).toBe(Buffer.byteLength(rendered.userData));
    expect(parse(rendered.userData)).toEqual({
      hostname: 'workers-7f3k2',
      runcmd: [
        [
          'kubeadm',
          'join',
          '10.0.0.10:6443',
          '--token',
          'abcdef.0123456789abcdef',
          '--discovery-token-ca-cert-hash',
          BUILT_INS.CACertHash,
        ],
      ],
    });
  });

  test('an empty inline template is refused rather than replaced by the default', () => {
    const error = renderError(() => chooseTemplateSource({ cloudInitTemplate: '  \n' }));
    expect(error.kind).toBe('template_source');
  });

  test('setting both the inline template and a reference is refused', () => {
    const error = renderError(() =>
      chooseTemplateSource({
        cloudInitTemplate: JOINING_TEMPLATE,
        cloudInitTemplateRef: { name: 'x', key: 'y' },
      }),
    );
    expect(error.kind).toBe('template_source');
    expect(error.message).toContain('both set');
  });
});

describe('TestCloudInit_ConfigMapReference', () => {
  const ref = { name: 'node-bootstrap', key: 'user-data.hbs' };
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'node-bootstrap', namespace: 'default' },
    data: { 'user-data.hbs': JOINING_TEMPLATE, 'other.hbs': '#cloud-config\n' },
  };

  test('the template is the referenced key of the ConfigMap', () => {
    const source = chooseTemplateSource({ cloudInitTemplateRef: ref }, configMap);
    expect(source).toEqual({
      kind: 'configMap',
      configMapName: 'node-bootstrap',
      key: 'user-data.hbs',
      text: JOINING_TEMPLATE,
    });
    const rendered = renderCloudInit({ source, builtIns: BUILT_INS });
    expect(rendered.template).toBe('ConfigMap "node-bootstrap" key "user-data.hbs"');
    expect(parse(rendered.userData).hostname).toBe('workers-7f3k2');
  });

  test('a missing ConfigMap is reported by name', () => {
    const error = renderError(() => chooseTemplateSource({ cloudInitTemplateRef: ref }, undefined));
    expect(error.kind).toBe('template_source');
    expect(error.message).toContain('ConfigMap "node-bootstrap"');
    expect(error.message).toContain('not found');
  });

  test('a missing key is reported with the keys the ConfigMap has', () => {
    const error = renderError(() =>
      chooseTemplateSource({ cloudInitTemplateRef: { ...ref, key: 'user-data' } }, configMap),
    );
    expect(error.kind).toBe('template_source');
    expect(error.message).toContain('has no key "user-data"');
    expect(error.message).toContain('"user-data.hbs", "other.hbs"');
  });

  test('a template in binaryData is pointed out', () => {
    const binary = {
      metadata: { name: 'node-bootstrap' },
      binaryData: { 'user-data.hbs': 'Iw==' },
    };
    const error = renderError(() => chooseTemplateSource({ cloudInitTemplateRef: ref }, binary));
    expect(error.message).toContain('binaryData');
  });

  test('a ConfigMap other than the referenced one is refused', () => {
    const other = { ...configMap, metadata: { name: 'elsewhere' } };
    const error = renderError(() => chooseTemplateSource({ cloudInitTemplateRef: ref }, other));
    expect(error.kind).toBe('template_source');
  });

  test('errors in a ConfigMap template name the ConfigMap and key', () => {
    const broken = { ...configMap, data: { 'user-data.hbs': '#cloud-config\na: {{Nope}}\n' } };
    const source = chooseTemplateSource({ cloudInitTemplateRef: ref }, broken);
    const error = renderError(() => renderCloudInit({ source, builtIns: BUILT_INS }));
    expect(error.template).toBe('ConfigMap "node-bootstrap" key "user-data.hbs"');
    expect(error.message).toMatch(
      /^cloud-init template \(ConfigMap "node-bootstrap" key "user-data.hbs"\), line 2, column 6: /,
    );
  });
});

describe('TestCloudInit_VariableSubstitution', () => {
  const everyBuiltIn = `#cloud-config
scalars:
  - {{ClusterEndpoint}}
  - {{JoinToken}}
  - {{CACertHash}}
  - {{NodeName}}
  - {{NodeGroupName}}
  - {{DatacenterID}}
  - {{OfferingID}}
  - {{KubernetesVersion}}
keys: {{SSHAuthorizedKeys}}
labels: {{NodeLabels}}
taints: {{NodeTaints}}
custom: {{Custom}}
`;

  test('every built-in and user variable is substituted with its value', () => {
    expect(renderedDocument(everyBuiltIn, { Custom: 'mine' })).toEqual({
      scalars: [
        BUILT_INS.ClusterEndpoint,
        BUILT_INS.JoinToken,
        BUILT_INS.CACertHash,
        BUILT_INS.NodeName,
        BUILT_INS.NodeGroupName,
        BUILT_INS.DatacenterID,
        BUILT_INS.OfferingID,
        BUILT_INS.KubernetesVersion,
      ],
      keys: [...BUILT_INS.SSHAuthorizedKeys],
      labels: { ...BUILT_INS.NodeLabels },
      taints: [...BUILT_INS.NodeTaints],
      custom: 'mine',
    });
  });

  test('user variables override scalar built-ins, and the result says which', () => {
    const rendered = renderInline('#cloud-config\nname: {{NodeName}}\nzone: {{DatacenterID}}\n', {
      NodeName: 'custom-name',
      Extra: 'unused',
    });
    expect(parse(rendered.userData)).toEqual({ name: 'custom-name', zone: 'dc-fra1' });
    expect(rendered.overriddenBuiltIns).toEqual(['NodeName']);
    expect(renderInline('#cloud-config\na: {{NodeName}}\n').overriddenBuiltIns).toEqual([]);
  });

  test.each(['SSHAuthorizedKeys', 'NodeLabels', 'NodeTaints'])(
    'the list/map built-in %s cannot be overridden by a string',
    (name) => {
      const error = renderError(() => renderInline('#cloud-config\na: 1\n', { [name]: 'x' }));
      expect(error.kind).toBe('invalid_variable');
      expect(error.reference).toBe(name);
    },
  );

  test('lists and maps work with #each, block parameters, @index, @key and @root', () => {
    const template = `#cloud-config
keys:
{{#each SSHAuthorizedKeys}}
  - {{this}}
{{/each}}
taints:
{{#each NodeTaints as |taint position|}}
  - [{{position}}, {{taint.key}}, {{taint.effect}}, {{@root.NodeName}}, {{../NodeGroupName}}]
{{/each}}
labels:
{{#each NodeLabels}}
  - [{{@key}}, {{this}}, {{@index}}]
{{/each}}
`;
    expect(renderedDocument(template)).toEqual({
      keys: [...BUILT_INS.SSHAuthorizedKeys],
      taints: [[0, 'example.com/dedicated', 'NoSchedule', 'workers-7f3k2', 'workers']],
      labels: [['node-role.example.com/worker', 'true', 0]],
    });
  });

  test('a block parameter wins over a field of the same name, unless the path says this.', () => {
    const template = `#cloud-config
t:
{{#each NodeTaints as |effect|}}
  - [{{effect.key}}, {{this.effect}}, {{./key}}]
{{/each}}
`;
    expect(renderedDocument(template)).toEqual({
      t: [['example.com/dedicated', 'NoSchedule', 'example.com/dedicated']],
    });
  });

  test('helpers build text that is still one quoted value', () => {
    const template = `#cloud-config
name: {{concat "node-" NodeName "-" DatacenterID}}
keys: {{join SSHAuthorizedKeys ";"}}
labels: {{joinLabels NodeLabels}}
role: {{lookup NodeLabels "node-role.example.com/worker"}}
{{#if Flag}}
flag: {{Flag}}
{{/if}}
{{#unless Flag}}
noflag: true
{{/unless}}
`;
    expect(renderedDocument(template, { Flag: '' })).toEqual({
      name: 'node-workers-7f3k2-dc-fra1',
      keys: BUILT_INS.SSHAuthorizedKeys.join(';'),
      labels: 'node-role.example.com/worker=true',
      role: 'true',
      noflag: true,
    });
    expect(renderedDocument(template, { Flag: 'on' })).toMatchObject({ flag: 'on' });
  });

  test('a taint without a value has the value "" in the template', () => {
    const builtIns = {
      ...BUILT_INS,
      NodeTaints: [{ key: 'dedicated', effect: 'NoExecute' as const }],
    };
    expect(
      renderedDocument('#cloud-config\nv: {{#each NodeTaints}}{{value}}{{/each}}\n', {}, builtIns),
    ).toEqual({ v: '' });
  });
});

describe('TestCloudInit_DefaultTemplate', () => {
  test('with neither template field set, the default template is used', () => {
    const source = chooseTemplateSource({});
    expect(source).toEqual({ kind: 'default', text: DEFAULT_CLOUD_INIT_TEMPLATE });
  });

  test('the default template sets the hostname, keys, and joins with a JoinConfiguration', () => {
    const rendered = renderCloudInit({ source: chooseTemplateSource({}), builtIns: BUILT_INS });
    expect(rendered.template).toBe('default template');
    const config = parse(rendered.userData, { version: '1.1' });
    expect(config.hostname).toBe(BUILT_INS.NodeName);
    expect(config.ssh_authorized_keys).toEqual(BUILT_INS.SSHAuthorizedKeys);
    expect(config.runcmd).toEqual([
      ['kubeadm', 'join', '--config', '/etc/kubernetes/kubeadm-join.yaml'],
    ]);
    const [file] = config.write_files;
    expect(file).toMatchObject({ path: '/etc/kubernetes/kubeadm-join.yaml', permissions: '0600' });
    expect(parse(file.content)).toEqual({
      apiVersion: 'kubeadm.k8s.io/v1beta4',
      kind: 'JoinConfiguration',
      discovery: {
        bootstrapToken: {
          apiServerEndpoint: BUILT_INS.ClusterEndpoint,
          token: BUILT_INS.JoinToken,
          caCertHashes: [BUILT_INS.CACertHash],
        },
      },
      nodeRegistration: {
        name: BUILT_INS.NodeName,
        taints: BUILT_INS.NodeTaints,
        kubeletExtraArgs: [{ name: 'node-labels', value: 'node-role.example.com/worker=true' }],
      },
    });
  });

  test('what the default template renders parses back into the registration it asked for', () => {
    const builtIns = {
      ...BUILT_INS,
      NodeName: 'gpu-2x9kq',
      NodeLabels: { 'example.com/team': 'ml', 'node.example.com/gpu': 'a100' },
      NodeTaints: [
        { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' as const },
        { key: 'example.com/spot', effect: 'PreferNoSchedule' as const },
      ],
    };
    const rendered = renderCloudInit({ source: chooseTemplateSource({}), builtIns });
    expect(parseNodeRegistration(rendered.userData)).toEqual({
      nodeName: 'gpu-2x9kq',
      labels: builtIns.NodeLabels,
      taints: builtIns.NodeTaints,
      sshAuthorizedKeys: BUILT_INS.SSHAuthorizedKeys,
    });
  });

  test('without labels or taints the node registers with none', () => {
    const builtIns = { ...BUILT_INS, NodeLabels: {}, NodeTaints: [], SSHAuthorizedKeys: [] };
    const rendered = renderCloudInit({ source: chooseTemplateSource({}), builtIns });
    const join = parse(parse(rendered.userData).write_files[0].content);
    expect(join.nodeRegistration).toEqual({ name: BUILT_INS.NodeName, taints: [] });
    expect(parseNodeRegistration(rendered.userData)).toEqual({
      nodeName: BUILT_INS.NodeName,
      labels: {},
      taints: [],
      sshAuthorizedKeys: [],
    });
  });
});

describe('TestCloudInit_InvalidTemplate', () => {
  test('a Handlebars syntax error is reported with its line and column', () => {
    const error = renderError(() => renderInline('#cloud-config\nhostname: {{NodeName\n'));
    expect(error).toBeInstanceOf(CloudInitTemplateError);
    expect(error.kind).toBe('parse');
    expect(error.position?.line).toBe(2);
  });

  test('an unknown variable is named, with a suggestion', () => {
    const error = renderError(() => renderInline('#cloud-config\nhostname: {{NodeNmae}}\n'));
    expect(error.kind).toBe('unknown_variable');
    expect(error.reference).toBe('NodeNmae');
    // The position is the variable's name, just inside the braces.
    expect(error.position).toEqual({ line: 2, column: 13 });
    expect(error.message).toContain('did you mean NodeName?');
  });

  test('an unknown helper is named', () => {
    const error = renderError(() => renderInline('#cloud-config\nhostname: {{upper NodeName}}\n'));
    expect(error.kind).toBe('unknown_helper');
    expect(error.reference).toBe('upper');
  });

  test('a template that renders into invalid YAML is refused', () => {
    const error = renderError(() => renderInline('#cloud-config\na: [1\n'));
    expect(error.kind).toBe('invalid_output');
  });

  test('a template that is neither cloud-config nor a script is refused', () => {
    const error = renderError(() => renderInline('hostname: {{NodeName}}\n'));
    expect(error.kind).toBe('invalid_output');
    expect(error.message).toContain('#cloud-config');
  });
});
