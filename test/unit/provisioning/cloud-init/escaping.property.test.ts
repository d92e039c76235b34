// Property tests of the injection safety: whatever a value holds (line breaks, quotes, YAML or
// Handlebars syntax, Unicode line separators, NUL, ...), the rendered document has exactly the
// keys, commands, users and files it has with a harmless value, and the value reads back exactly.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { parse } from 'yaml';
import {
  DEFAULT_CLOUD_INIT_TEMPLATE,
  parseNodeRegistration,
  renderCloudInit,
} from '../../../../src/provisioning/cloud-init';
import { toYamlFlow, yamlQuote } from '../../../../src/provisioning/cloud-init/escape';
import { BUILT_INS, renderInline } from './support';

const NASTY_FRAGMENTS = [
  '\n',
  '\r\n',
  '\r',
  '\t',
  '\0',
  '\u2028',
  '\u2029',
  '\u0085',
  '\ufeff',
  '\u00a0',
  '\u007f',
  '"',
  "'",
  '\\',
  '\\"',
  '\\n',
  ': ',
  ' #',
  '# ',
  '- ',
  '\n- rm -rf /',
  '"\nruncmd: [[reboot]]\n',
  '\nusers:\n  - name: evil\n',
  '{{',
  '}}',
  '{{NodeName}}',
  '{{{x}}}',
  '$(reboot)',
  '`id`',
  '${HOME}',
  '---',
  '...',
  '!!python/object/apply:os.system ["id"]',
  '&anchor',
  '*anchor',
  '|',
  '>',
  '[',
  ']',
  '{',
  '}',
  ',',
  '%YAML 1.1',
  '😀',
  'é',
  '\ud7ff',
  '\ue000',
  '\ufffd',
  '\ufffe',
  ' ',
  'true',
  '0755',
  'null',
];

/** Strings built to break YAML, Handlebars and shells, plus arbitrary Unicode. */
export const adversarialString = fc.oneof(
  fc.array(fc.constantFrom(...NASTY_FRAGMENTS), { maxLength: 8 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
);

const RUNS = { numRuns: 300 };

test('yamlQuote: one line of printable ASCII that YAML 1.1 and 1.2 read back exactly', () => {
  fc.assert(
    fc.property(adversarialString, (value) => {
      const quoted = yamlQuote(value);
      expect(quoted).toMatch(/^"[\x20-\x7e]*"$/);
      expect(parse(`a: ${quoted}`, { version: '1.1' })).toEqual({ a: value });
      expect(parse(`a: ${quoted}`, { version: '1.2' })).toEqual({ a: value });
    }),
    RUNS,
  );
});

test('toYamlFlow: lists and maps of any strings read back exactly', () => {
  const value = fc.oneof(
    fc.array(adversarialString, { maxLength: 5 }),
    fc.dictionary(adversarialString, adversarialString, { maxKeys: 5 }),
    fc.array(fc.dictionary(adversarialString, adversarialString, { maxKeys: 3 }), { maxLength: 3 }),
  );
  fc.assert(
    fc.property(value, (data) => {
      const flow = toYamlFlow(data);
      expect(flow).not.toMatch(/[\r\n]/);
      expect(parse(`a: ${flow}`, { version: '1.1' })).toEqual({ a: data });
    }),
    RUNS,
  );
});

// A custom template that puts one value everywhere a value may go. (`{{V}} }`: without the space
// Handlebars would read `}}}` as the end of a triple-stash.)
const EVERYWHERE = `#cloud-config
hostname: {{V}}
users:
  - name: ops
    gecos: {{V}}
    ssh_authorized_keys: [{{V}}]
runcmd:
  - [echo, {{V}}]
  - {{V}}
  - [sh, -c, 'printf "%s" "$1"', sh, {{concat "x-" V}}]
bootcmd: {{SSHAuthorizedKeys}}
write_files:
  - path: /etc/example.yaml
    content: |
      name: {{V}}
      list: [{{V}}, {{V}}]
      nested: {key: {{V}} }
`;

function expectedEverywhere(v: string) {
  return {
    hostname: v,
    users: [{ name: 'ops', gecos: v, ssh_authorized_keys: [v] }],
    runcmd: [['echo', v], v, ['sh', '-c', 'printf "%s" "$1"', 'sh', `x-${v}`]],
    bootcmd: [...BUILT_INS.SSHAuthorizedKeys],
    embedded: { name: v, list: [v, v], nested: { key: v } },
  };
}

function actualEverywhere(userData: string) {
  const document = parse(userData, { version: '1.1' });
  const [file, ...otherFiles] = document.write_files;
  expect(otherFiles).toEqual([]);
  expect(file.path).toBe('/etc/example.yaml');
  const rest = Object.fromEntries(
    Object.entries(document).filter(([key]) => key !== 'write_files'),
  );
  return { ...rest, embedded: parse(file.content, { version: '1.1' }) };
}

test('a value anywhere in a cloud-config changes no key, command, user or file', () => {
  fc.assert(
    fc.property(adversarialString, (value) => {
      const rendered = renderInline(EVERYWHERE, { V: value });
      expect(actualEverywhere(rendered.userData)).toEqual(expectedEverywhere(value));
    }),
    RUNS,
  );
});

test('the default template registers the node exactly as asked, whatever the values', () => {
  fc.assert(
    fc.property(
      // An empty name is no name: parseNodeRegistration rightly refuses it (tested elsewhere).
      adversarialString.filter((name) => name !== ''),
      adversarialString,
      adversarialString,
      (name, token, endpoint) => {
        const builtIns = {
          ...BUILT_INS,
          NodeName: name,
          JoinToken: token,
          ClusterEndpoint: endpoint,
        };
        const benign = renderCloudInit({
          source: { kind: 'default', text: DEFAULT_CLOUD_INIT_TEMPLATE },
          builtIns: BUILT_INS,
        });
        const rendered = renderCloudInit({
          source: { kind: 'default', text: DEFAULT_CLOUD_INIT_TEMPLATE },
          builtIns,
        });
        const document = parse(rendered.userData, { version: '1.1' });
        const benignDocument = parse(benign.userData, { version: '1.1' });
        expect(Object.keys(document)).toEqual(Object.keys(benignDocument));
        expect(document.runcmd).toEqual(benignDocument.runcmd);
        expect(document.hostname).toBe(name);
        expect(document.write_files).toHaveLength(1);
        const join = parse(document.write_files[0].content, { version: '1.1' });
        expect(join.discovery.bootstrapToken).toEqual({
          apiServerEndpoint: endpoint,
          token,
          caCertHashes: [BUILT_INS.CACertHash],
        });
        expect(parseNodeRegistration(rendered.userData)).toEqual({
          nodeName: name,
          labels: BUILT_INS.NodeLabels,
          taints: BUILT_INS.NodeTaints,
          sshAuthorizedKeys: BUILT_INS.SSHAuthorizedKeys,
        });
      },
    ),
    { numRuns: 150 },
  );
});

test('a value in a shell-script template reaches the script exactly, never as code', () => {
  const template = '#!/bin/sh\nV={{V}}\nprintf "%s" "$V"\n';
  fc.assert(
    fc.property(
      adversarialString.filter((value) => !value.includes('\0')),
      (value) => {
        const { userData } = renderInline(template, { V: value });
        const run = spawnSync('/bin/sh', ['-s'], {
          input: userData,
          encoding: 'utf8',
          timeout: 5000,
        });
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        expect(run.stdout).toBe(value);
      },
    ),
    { numRuns: 60 },
  );
});
