// Every way a template can fail, with the kind a caller switches on and a message that names the
// variable, helper or construct and where it is.
import {
  MAX_USER_DATA_BYTES,
  SAMPLE_BUILT_IN_VARIABLES,
  validateUserData,
} from '../../../../src/provisioning/cloud-init';
import { renderError, renderInline, renderedDocument } from './support';

describe('parse errors', () => {
  test.each([
    ['an unclosed mustache', '#cloud-config\na: 1\nb: {{NodeName\n', 3],
    ['a stray closing block', '#cloud-config\na: ok\nb: {{/if}}\n', 3],
    ['an unclosed block', '#cloud-config\n{{#if NodeName}}\na: 1\n', 4],
    ['mismatched blocks', '#cloud-config\n{{#if NodeName}}\na: 1\n{{/each}}\n', 2],
  ])('%s is a parse error with its line', (_, template, line) => {
    const error = renderError(() => renderInline(template));
    expect(error.kind).toBe('parse');
    expect(error.position?.line).toBe(line);
    expect(error.message).toMatch(
      /^cloud-init template \(inline cloudInitTemplate\), line \d+, column \d+: /,
    );
  });

  test('the column points at the offending token', () => {
    const error = renderError(() => renderInline('#cloud-config\na: ok\nb: {{/if}}\n'));
    expect(error.position).toEqual({ line: 3, column: 4 });
    expect(error.detail).toBe("Parse error: Expecting 'EOF', got 'OPEN_ENDBLOCK'");
  });
});

describe('unsupported syntax', () => {
  test.each([
    ['triple-stash raw output', '#cloud-config\na: {{{NodeName}}}\n', 'without escaping'],
    ['& raw output', '#cloud-config\na: {{& NodeName}}\n', 'without escaping'],
    ['a partial', '#cloud-config\na: {{> common}}\n', 'partials'],
    ['a named argument', '#cloud-config\na: {{concat NodeName sep="-"}}\n', 'named arguments'],
    ['a literal output', '#cloud-config\na: {{"text"}}\n', 'literal'],
    ['a decorator', '#cloud-config\n{{* decorate}}\na: 1\n', 'not supported'],
  ])('%s is refused', (_, template, words) => {
    const error = renderError(() => renderInline(template));
    expect(error.kind).toBe('unsupported_syntax');
    expect(error.message).toContain(words);
    expect(error.position?.line).toBe(2);
  });
});

describe('unknown variables', () => {
  test.each([
    ['a misspelt built-in', '#cloud-config\na: {{ClusterEndpiont}}\n', 'ClusterEndpiont'],
    ['a missing user variable', '#cloud-config\na: {{ExtraPackage}}\n', 'ExtraPackage'],
    ['one in a helper argument', '#cloud-config\na: {{concat "x" Missing}}\n', 'Missing'],
    ['one in a block condition', '#cloud-config\n{{#if Missing}}\na: 1\n{{/if}}\n', 'Missing'],
    [
      'one in an else branch',
      '#cloud-config\n{{#if NodeName}}\na: 1\n{{else}}\na: {{Nope}}\n{{/if}}\n',
      'Nope',
    ],
    ['a field of text', '#cloud-config\na: {{NodeName.length2}}\n', 'NodeName.length2'],
    [
      'a field a taint lacks',
      '#cloud-config\n{{#each NodeTaints}}\na: {{operator}}\n{{/each}}\n',
      'operator',
    ],
    ['@index outside #each', '#cloud-config\na: {{@index}}\n', '@index'],
    ['../ above the top', '#cloud-config\na: {{../NodeName}}\n', '../NodeName'],
  ])('%s is reported by name', (_, template, reference) => {
    const error = renderError(() => renderInline(template));
    expect(error.kind).toBe('unknown_variable');
    expect(error.reference).toBe(reference);
    expect(error.message).toContain(reference.split('.').at(-1));
    expect(error.position).toBeDefined();
  });

  test('the message lists the variables there are, user variables included', () => {
    const error = renderError(() => renderInline('#cloud-config\na: {{Zzz}}\n', { Mine: 'x' }));
    expect(error.message).toContain('ClusterEndpoint');
    expect(error.message).toContain('Mine');
  });

  test('an outer variable inside #each needs @root or ../, and the message says so', () => {
    const template =
      '#cloud-config\nk:\n{{#each SSHAuthorizedKeys}}\n  - {{NodeName}}\n{{/each}}\n';
    const error = renderError(() => renderInline(template));
    expect(error.kind).toBe('unknown_variable');
    expect(error.message).toContain('@root.name');
  });

  test('a missing map key is reported when it is rendered', () => {
    const error = renderError(() => renderInline('#cloud-config\na: {{NodeLabels.absent}}\n'));
    expect(error.kind).toBe('unknown_variable');
    expect(error.reference).toBe('{{NodeLabels.absent}}');
    expect(error.position).toEqual({ line: 2, column: 4 });
  });
});

describe('unknown helpers', () => {
  test.each([
    ['an unknown helper', '#cloud-config\na: {{upper NodeName}}\n', 'upper'],
    ['log (a Handlebars built-in we do not offer)', '#cloud-config\na: {{log NodeName}}\n', 'log'],
    [
      'an unknown helper in a sub-expression',
      '#cloud-config\na: {{concat (upper NodeName)}}\n',
      'upper',
    ],
    [
      'a block over a variable (mustache section)',
      '#cloud-config\n{{#NodeLabels}}\na: 1\n{{/NodeLabels}}\n',
      'NodeLabels',
    ],
    ['an unknown block helper', '#cloud-config\n{{#repeat 3}}\na: 1\n{{/repeat}}\n', 'repeat'],
    ['a block helper used inline', '#cloud-config\na: {{if NodeName}}\n', 'if'],
  ])('%s is refused by name', (_, template, reference) => {
    const error = renderError(() => renderInline(template));
    expect(error.kind).toBe('unknown_helper');
    expect(error.reference).toBe(reference);
    expect(error.message).toContain(reference);
  });

  test('a close helper name is suggested', () => {
    const error = renderError(() => renderInline('#cloud-config\na: {{concatt NodeName}}\n'));
    expect(error.message).toContain('did you mean concat?');
  });
});

describe('unsafe placement in a cloud-config', () => {
  test.each([
    ['double quotes', '#cloud-config\na: "{{NodeName}}"\n', 'remove the quotes'],
    ['single quotes', "#cloud-config\na: '{{NodeName}}'\n", 'remove the quotes'],
    ['text around it', '#cloud-config\na: node-{{NodeName}}\n', 'part of the longer text'],
    [
      'a shell command line',
      '#cloud-config\nruncmd:\n  - echo {{NodeName}}\n',
      'never inside a shell command line',
    ],
    [
      'a block scalar',
      '#cloud-config\nbootcmd:\n  - |\n    hostnamectl set-hostname {{NodeName}}\n',
      'part of the longer text',
    ],
    ['a mapping key', '#cloud-config\n{{NodeName}}: 1\n', 'mapping key'],
    [
      'a non-YAML write_files file',
      '#cloud-config\nwrite_files:\n  - path: /etc/env\n    content: |\n      NAME={{NodeName}}\n',
      'part of the longer text',
    ],
    [
      'text inside a YAML file',
      '#cloud-config\nwrite_files:\n  - path: /etc/a.yaml\n    content: |\n      name: x-{{NodeName}}\n',
      'part of the longer text',
    ],
    [
      'a base64 write_files file',
      '#cloud-config\nwrite_files:\n  - path: /etc/a.yaml\n    encoding: b64\n    content: x{{NodeName}}\n',
      'part of the longer text',
    ],
  ])('a value in %s is refused', (_, template, words) => {
    const error = renderError(() => renderInline(template));
    expect(error.kind).toBe('unsafe_placement');
    expect(error.reference).toBe('{{NodeName}}');
    expect(error.message).toContain(words);
    expect(error.position?.line).toBeGreaterThan(1);
  });

  test('the message shows the text the value was part of, with the expression in place', () => {
    const error = renderError(() => renderInline('#cloud-config\na: node-{{NodeName}}\n'));
    expect(error.message).toContain('"node-\\"{{NodeName}}\\""');
  });

  test.each([
    ['a mapping value', '#cloud-config\na: {{NodeName}}\n'],
    ['a list item', '#cloud-config\na:\n  - {{NodeName}}\n'],
    ['a flow list item', '#cloud-config\nruncmd:\n  - [hostnamectl, set-hostname, {{NodeName}}]\n'],
    ['a flow mapping value', '#cloud-config\na: {b: {{NodeName}}, c: 1}\n'],
    [
      'a value in a .yaml write_files file',
      '#cloud-config\nwrite_files:\n  - path: /etc/a.yml\n    content: |\n      name: {{NodeName}}\n',
    ],
    ['a comment', '#cloud-config\n# node {{NodeName}}\na: 1\n'],
  ])('a value as %s is accepted', (_, template) => {
    expect(() => renderInline(template)).not.toThrow();
  });

  test('a YAML file that only parses with placeholders is still checked with real values', () => {
    const template =
      '#cloud-config\nwrite_files:\n  - path: /etc/a.yaml\n    content: |\n      a: [1\n';
    const error = renderError(() => renderInline(template));
    expect(error.kind).toBe('invalid_output');
    expect(error.message).toContain('/etc/a.yaml');
  });
});

describe('unsafe placement in a shell script', () => {
  test.each([
    ['an argument', '#!/bin/sh\necho {{NodeName}}\n', 'assignment'],
    ['double quotes', '#!/bin/sh\nN="{{NodeName}}"\n', 'assignment'],
    ['text after it', '#!/bin/sh\nN={{NodeName}}-x\n', 'assignment'],
    [
      'a multi-line double-quoted string',
      '#!/bin/sh\necho "\nN={{NodeName}}\n"\n',
      'quoted string',
    ],
    ['a here-document', '#!/bin/sh\ncat <<EOF\nN={{NodeName}}\nEOF\n', 'here-document'],
    [
      'an indented here-document',
      '#!/bin/bash\nif true; then\n\tcat <<-"END"\n\tN={{NodeName}}\n\tEND\nfi\n',
      'here-document',
    ],
    ['a continued line', '#!/bin/sh\necho \\\nN={{NodeName}}\n', 'continued line'],
  ])('a value in %s is refused', (_, template, words) => {
    const error = renderError(() => renderInline(template));
    expect(error.kind).toBe('unsafe_placement');
    expect(error.message).toContain(words);
  });

  test('assignments, also after closed quotes, comments and here-documents, are accepted', () => {
    const template = [
      '#!/bin/bash',
      "echo 'a \" quote' # it's a comment",
      'cat <<EOF >/etc/motd',
      'hello "there',
      'EOF',
      'export NODE_NAME={{NodeName}}',
      'TOKEN={{JoinToken}} # the bootstrap token',
      'kubeadm join "$ENDPOINT" --token "$TOKEN"',
      '',
    ].join('\n');
    const rendered = renderInline(template);
    expect(rendered.format).toBe('shell-script');
    expect(rendered.userData).toContain("export NODE_NAME='workers-7f3k2'\n");
    expect(rendered.userData).toContain("TOKEN='abcdef.0123456789abcdef' # the bootstrap token\n");
  });

  test('a list of objects (taints) has no shell form', () => {
    const error = renderError(() => renderInline('#!/bin/sh\nT={{NodeTaints}}\n'));
    expect(error.kind).toBe('invalid_variable');
    expect(error.reference).toBe('{{NodeTaints}}');
  });

  test('NUL cannot be put in a shell script', () => {
    const error = renderError(() => renderInline('#!/bin/sh\nV={{V}}\n', { V: 'a\0b' }));
    expect(error.kind).toBe('invalid_variable');
    expect(error.message).toContain('NUL');
  });

  test('lists become lines and maps key=value lines', () => {
    const builtIns = {
      ...SAMPLE_BUILT_IN_VARIABLES,
      SSHAuthorizedKeys: [
        ...SAMPLE_BUILT_IN_VARIABLES.SSHAuthorizedKeys,
        ...SAMPLE_BUILT_IN_VARIABLES.SSHAuthorizedKeys,
      ],
      NodeLabels: { a: '1', 'b.example.com/c': '2' },
    };
    const rendered = renderInline(
      '#!/bin/sh\nK={{SSHAuthorizedKeys}}\nL={{NodeLabels}}\n',
      {},
      builtIns,
    );
    const key = SAMPLE_BUILT_IN_VARIABLES.SSHAuthorizedKeys[0];
    expect(rendered.userData).toBe(`#!/bin/sh\nK='${key}\n${key}'\nL='a=1\nb.example.com/c=2'\n`);
  });
});

describe('invalid variables', () => {
  test.each([
    ['not an identifier', 'my-var'],
    ['a helper name', 'concat'],
    ['a keyword', 'this'],
  ])('a cloudInitVariables key that is %s is refused', (_, name) => {
    const error = renderError(() => renderInline('#cloud-config\na: 1\n', { [name]: 'x' }));
    expect(error.kind).toBe('invalid_variable');
    expect(error.reference).toBe(name);
  });

  test('names that are Object.prototype members are ordinary variables', () => {
    // JSON.parse makes __proto__ an own key, as a manifest read from the API server would.
    const variables = JSON.parse('{"constructor": "c", "__proto__": "p", "toString": "t"}');
    const template = '#cloud-config\na: {{constructor}}\nb: {{__proto__}}\nc: {{toString}}\n';
    expect(renderedDocument(template, variables)).toEqual({ a: 'c', b: 'p', c: 't' });
  });

  test('prototype members are not variables unless defined', () => {
    const error = renderError(() => renderInline('#cloud-config\na: {{constructor}}\n'));
    expect(error.kind).toBe('unknown_variable');
  });

  test('a value with a lone surrogate is refused (it is not Unicode text)', () => {
    const error = renderError(() => renderInline('#cloud-config\na: {{V}}\n', { V: 'x\ud800' }));
    expect(error.kind).toBe('invalid_variable');
    expect(error.message).toContain('surrogate');
  });

  test.each([
    ['a label key with a comma', { NodeLabels: { 'a,b': 'c' } }, 'NodeLabels'],
    ['a label value with an equals sign', { NodeLabels: { a: 'b=c' } }, 'NodeLabels'],
    [
      'a taint with an unknown effect',
      { NodeTaints: [{ key: 'a', effect: 'Sometimes' }] },
      'NodeTaints',
    ],
    [
      'an SSH key with a newline',
      { SSHAuthorizedKeys: [`${SAMPLE_BUILT_IN_VARIABLES.SSHAuthorizedKeys[0]}\nssh-rsa AAAA`] },
      'SSHAuthorizedKeys[0]',
    ],
    [
      'an SSH key with authorized_keys options',
      { SSHAuthorizedKeys: [`command="reboot" ${SAMPLE_BUILT_IN_VARIABLES.SSHAuthorizedKeys[0]}`] },
      'SSHAuthorizedKeys[0]',
    ],
  ])('a built-in with %s is refused', (_, override, reference) => {
    const builtIns = {
      ...SAMPLE_BUILT_IN_VARIABLES,
      ...override,
    } as typeof SAMPLE_BUILT_IN_VARIABLES;
    const error = renderError(() => renderInline('#cloud-config\na: 1\n', {}, builtIns));
    expect(error.kind).toBe('invalid_variable');
    expect(error.reference).toBe(reference);
  });

  test('#each over text is refused', () => {
    const error = renderError(() =>
      renderInline('#cloud-config\n{{#each NodeName}}\na: 1\n{{/each}}\n'),
    );
    expect(error.kind).toBe('invalid_variable');
    expect(error.message).toContain('needs a list or a map');
  });

  test('a helper given the wrong kind of argument says so', () => {
    const error = renderError(() => renderInline('#cloud-config\na: {{concat NodeLabels}}\n'));
    expect(error.kind).toBe('invalid_variable');
    expect(error.message).toContain('concat: argument 1 must be text');
    expect(error.position).toEqual({ line: 2, column: 4 });
  });
});

describe('invalid output', () => {
  test.each([
    ['a list at the top', '#cloud-config\n- a\n', 'mapping'],
    ['an empty document', '#cloud-config\n', 'empty'],
    ['duplicate keys', '#cloud-config\na: 1\na: 2\n', 'unique'],
    ['two documents', '#cloud-config\na: 1\n---\nb: 2\n', '2 YAML documents'],
    ['write_files that is not a list', '#cloud-config\nwrite_files: {path: /a}\n', 'write_files'],
  ])('%s is refused', (_, template, words) => {
    const error = renderError(() => renderInline(template));
    expect(error.kind).toBe('invalid_output');
    expect(error.message).toContain(words);
  });

  test.each([
    ['a jinja header', '## template: jinja\n#cloud-config\na: 1\n'],
    ['#cloud-config-archive', '#cloud-config-archive\n- a\n'],
    ['#include', '#include\nhttps://example.com/x\n'],
    ['a variable on the first line', '{{Header}}\na: 1\n'],
    ['a byte order mark', '\ufeff#cloud-config\na: 1\n'],
  ])('a template starting with %s is refused', (_, template) => {
    const error = renderError(() => renderInline(template, { Header: '#cloud-config' }));
    expect(error.kind).toBe('invalid_output');
    expect(error.position).toEqual({ line: 1, column: 1 });
  });

  test('#cloud-config with trailing blanks and a CRLF template are recognised', () => {
    expect(renderInline('#cloud-config  \r\na: {{NodeName}}\r\n').format).toBe('cloud-config');
  });

  test('validateUserData accepts what renders and refuses the rest', () => {
    expect(validateUserData('#cloud-config\na: 1\n')).toBe('cloud-config');
    expect(validateUserData('#!/bin/sh\necho hi\n')).toBe('shell-script');
    expect(() => validateUserData('#!/bin/sh\necho \0\n')).toThrow(/NUL/);
    expect(() => validateUserData('a: 1\n')).toThrow(/must start with/);
  });
});

describe('size limit', () => {
  test('the limit is 64 KiB', () => {
    expect(MAX_USER_DATA_BYTES).toBe(65536);
  });

  test('user-data of exactly the limit is accepted, one byte more is too_large', () => {
    const header = '#cloud-config\na: {{V}}\n';
    // "a: " + quotes + newline around the value.
    const room = MAX_USER_DATA_BYTES - '#cloud-config\na: ""\n'.length;
    expect(renderInline(header, { V: 'x'.repeat(room) }).bytes).toBe(MAX_USER_DATA_BYTES);
    const error = renderError(() => renderInline(header, { V: 'x'.repeat(room + 1) }));
    expect(error.kind).toBe('too_large');
    expect(error.message).toContain(`${MAX_USER_DATA_BYTES + 1} bytes`);
  });

  test('escapes count: a value of non-ASCII characters grows six-fold', () => {
    const error = renderError(() =>
      renderInline('#cloud-config\na: {{V}}\n', { V: 'é'.repeat(11000) }),
    );
    expect(error.kind).toBe('too_large');
  });

  test('a template larger than the limit is refused before it is parsed', () => {
    const error = renderError(() =>
      renderInline(`#cloud-config\n# ${'x'.repeat(MAX_USER_DATA_BYTES)}\n`),
    );
    expect(error.kind).toBe('too_large');
  });
});
