// What a node booted with this user-data would register as: its name, labels and taints (from
// the kubeadm JoinConfiguration the cloud-config writes with write_files) and the SSH keys it
// would accept (top-level ssh_authorized_keys). The VPSie simulator uses this to make a simulated
// VM join as the real one would; tests use it to check rendering end to end.
import { isMapping, readSingleYamlDocument, readYamlDocuments } from './yaml-document';
import { userDataFormat } from './format';
import type { NodeTaint } from './variables';

export interface NodeRegistration {
  nodeName: string;
  labels: Record<string, string>;
  taints: NodeTaint[];
  sshAuthorizedKeys: string[];
}

export class NodeRegistrationError extends Error {
  override readonly name = 'NodeRegistrationError';
}

const TAINT_EFFECTS: readonly string[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function fail(detail: string): never {
  throw new NodeRegistrationError(`cannot tell how this user-data registers its node: ${detail}`);
}

function fileContent(file: Record<string, unknown>): string | undefined {
  if (typeof file.content !== 'string') return undefined;
  const encoding = file.encoding ?? 'text/plain';
  if (encoding === 'text/plain') return file.content;
  if (encoding === 'b64' || encoding === 'base64')
    return Buffer.from(file.content, 'base64').toString('utf8');
  return undefined; // gzip: cloud-init could read it, we do not
}

function isJoinConfiguration(document: unknown): document is Record<string, unknown> {
  return (
    isMapping(document) &&
    document.kind === 'JoinConfiguration' &&
    typeof document.apiVersion === 'string' &&
    document.apiVersion.startsWith('kubeadm.k8s.io/')
  );
}

function findJoinConfiguration(config: Record<string, unknown>): Record<string, unknown> {
  const files = Array.isArray(config.write_files) ? config.write_files : [];
  const found: Record<string, unknown>[] = [];
  for (const file of files) {
    const content = isMapping(file) ? fileContent(file) : undefined;
    if (content === undefined || !content.includes('JoinConfiguration')) continue;
    const read = readYamlDocuments(content);
    if (!read.ok) fail(`write_files ${String(file.path)} is ${read.problem}`);
    found.push(...read.values.filter(isJoinConfiguration));
  }
  if (found.length === 0) fail('it writes no kubeadm JoinConfiguration (write_files)');
  if (found.length > 1) fail(`it writes ${found.length} kubeadm JoinConfigurations`);
  return found[0]!;
}

// kubeadm v1beta4 lists extra args as [{name, value}]; v1beta3 had a map.
function nodeLabelsArguments(kubeletExtraArgs: unknown): string[] {
  if (Array.isArray(kubeletExtraArgs)) {
    return kubeletExtraArgs
      .filter((arg) => isMapping(arg) && arg.name === 'node-labels')
      .map((arg) => String((arg as Record<string, unknown>).value ?? ''));
  }
  if (isMapping(kubeletExtraArgs) && kubeletExtraArgs['node-labels'] !== undefined) {
    return [String(kubeletExtraArgs['node-labels'])];
  }
  return [];
}

function parseLabels(arguments_: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of arguments_.flatMap((argument) => argument.split(','))) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    if (equals <= 0) fail(`node-labels entry ${JSON.stringify(pair)} is not key=value`);
    labels[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return labels;
}

function parseTaints(taints: unknown): NodeTaint[] {
  if (taints === undefined || taints === null) return [];
  if (!Array.isArray(taints)) fail('nodeRegistration.taints is not a list');
  return taints.map((taint, i) => {
    if (
      !isMapping(taint) ||
      typeof taint.key !== 'string' ||
      !TAINT_EFFECTS.includes(String(taint.effect))
    ) {
      fail(`nodeRegistration.taints[${i}] is not {key, value, effect}`);
    }
    const value =
      taint.value === undefined || taint.value === null || taint.value === ''
        ? undefined
        : String(taint.value);
    return {
      key: taint.key,
      ...(value !== undefined && { value }),
      effect: taint.effect as NodeTaint['effect'],
    };
  });
}

function parseKeys(keys: unknown): string[] {
  if (keys === undefined || keys === null) return [];
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'string')) {
    fail('ssh_authorized_keys is not a list of strings');
  }
  return keys as string[];
}

/** Parses rendered cloud-config user-data; throws NodeRegistrationError when it cannot tell. */
export function parseNodeRegistration(userData: string): NodeRegistration {
  if (userDataFormat(userData) !== 'cloud-config') fail('it is not a #cloud-config document');
  const read = readSingleYamlDocument(userData);
  if (!read.ok) fail(`the cloud-config is ${read.problem}`);
  if (!isMapping(read.value)) fail('the cloud-config is not a mapping');
  const config = read.value;
  const join = findJoinConfiguration(config);
  const registration = isMapping(join.nodeRegistration) ? join.nodeRegistration : {};
  // Without nodeRegistration.name kubeadm registers the node under the machine's hostname.
  const nodeName = registration.name ?? config.hostname;
  if (typeof nodeName !== 'string' || nodeName === '')
    fail('it sets neither nodeRegistration.name nor hostname');
  return {
    nodeName,
    labels: parseLabels(nodeLabelsArguments(registration.kubeletExtraArgs)),
    taints: parseTaints(registration.taints),
    sshAuthorizedKeys: parseKeys(config.ssh_authorized_keys),
  };
}
