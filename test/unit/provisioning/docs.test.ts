// docs/configuration/cloud-init.md and ssh-keys.md describe the code; these tests fail when they
// drift apart: every variable, error kind, helper and key type documented, the default template
// shown as it is, the inline example rendering.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import {
  BUILT_IN_VARIABLE_NAMES,
  CLOUD_INIT_ERROR_KINDS,
  DEFAULT_CLOUD_INIT_TEMPLATE,
  MAX_USER_DATA_BYTES,
  checkCloudInitTemplate,
  chooseTemplateSource,
  parseNodeRegistration,
} from '../../../src/provisioning/cloud-init';
import { VALUE_HELPERS } from '../../../src/provisioning/cloud-init/helpers';
import { SUPPORTED_KEY_TYPES } from '../../../src/provisioning/ssh-keys';

const DOCS = resolve(__dirname, '../../../docs/configuration');
const cloudInit = readFileSync(resolve(DOCS, 'cloud-init.md'), 'utf8');
const sshKeys = readFileSync(resolve(DOCS, 'ssh-keys.md'), 'utf8');

function codeBlocks(markdown: string, language: string): string[] {
  const fence = new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g');
  return [...markdown.matchAll(fence)].map((match) => match[1]!);
}

test('every built-in variable has a row in the variables table', () => {
  for (const name of BUILT_IN_VARIABLE_NAMES)
    expect(cloudInit).toMatch(new RegExp(`^\\| \`${name}\` +\\|`, 'm'));
});

test('every error kind has a row in the troubleshooting table', () => {
  for (const kind of CLOUD_INIT_ERROR_KINDS)
    expect(cloudInit).toMatch(new RegExp(`^\\| \`${kind}\` +\\|`, 'm'));
});

test('every helper is documented, and the size limit is the one in the code', () => {
  for (const helper of VALUE_HELPERS) expect(cloudInit).toContain(`{{${helper} `);
  expect(MAX_USER_DATA_BYTES).toBe(64 * 1024);
  expect(cloudInit).toContain('64 KiB');
  expect(cloudInit).toContain(`${MAX_USER_DATA_BYTES} bytes`);
});

test('the default template shown is the default template', () => {
  expect(codeBlocks(cloudInit, 'text')).toContain(DEFAULT_CLOUD_INIT_TEMPLATE);
});

test('the inline example renders and joins the node', () => {
  const [example] = codeBlocks(cloudInit, 'yaml');
  const { spec } = parse(example!);
  const rendered = checkCloudInitTemplate(chooseTemplateSource(spec), spec.cloudInitVariables);
  expect(parse(rendered.userData).timezone).toBe('Europe/Berlin');
  expect(parseNodeRegistration(rendered.userData).nodeName).toBeTruthy();
});

test('every supported SSH key type is documented', () => {
  for (const type of SUPPORTED_KEY_TYPES) {
    const short = type.replace(/^ecdsa-sha2-nistp(384|521)$/, '-nistp$1');
    expect(sshKeys).toContain(short);
  }
});
