// The kubelet flags that decide how a Node registers, read as the kubelet reads them:
// `--node-labels` (merged across repeats), `--register-with-taints`, `--provider-id` and
// `--hostname-override` (the last one given wins). The kubelet refuses to start on labels it may
// not set itself (the `kubernetes.io` / `k8s.io` namespaces outside its allowed set) and on
// malformed labels or taints; a VM whose kubelet will not start never joins, so those are
// reported as reasons here instead of being discovered by an API call that never happens.

import type { KubeletArg, NodeTaint, TaintEffect } from './join-plan';
import { followShell } from './shell';

export class KubeletFlagError extends Error {}

/** The flags we read; for these alone `--flag value` (two words) is understood. */
const VALUE_FLAGS = new Set([
  'node-labels',
  'register-with-taints',
  'provider-id',
  'hostname-override',
]);
const EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

// The labels a kubelet may set on its own Node (k8s.io/kubelet IsKubeletLabel).
const KUBELET_LABELS = new Set([
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
]);
const KUBELET_LABEL_NAMESPACES = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export interface KubeletRegistration {
  labels: Record<string, string>;
  taints: NodeTaint[];
  providerId?: string;
  hostnameOverride?: string;
}

/**
 * What the kubelet registers with, given its flags in order and the taints kubeadm asked for
 * (kubeadm passes those as `--register-with-taints` before the extra args, so a later one wins).
 */
export function kubeletRegistration(
  args: readonly KubeletArg[],
  kubeadmTaints: NodeTaint[],
): KubeletRegistration {
  const registration: KubeletRegistration = { labels: {}, taints: kubeadmTaints };
  for (const { name, value } of args) {
    if (name === 'node-labels') Object.assign(registration.labels, parseNodeLabels(value));
    else if (name === 'register-with-taints') registration.taints = parseTaintList(value);
    else if (name === 'provider-id') registration.providerId = value;
    else if (name === 'hostname-override') registration.hostnameOverride = value;
  }
  checkLabelsKubeletMaySet(registration.labels);
  return registration;
}

/** `k=v,k2=v2` as the kubelet's map flag parses it (pairs trimmed, empty items skipped). */
export function parseNodeLabels(value: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const item of value.split(',')) {
    if (item.trim() === '') continue;
    const at = item.indexOf('=');
    if (at < 0) throw new KubeletFlagError(`--node-labels: malformed pair "${item}", expect k=v`);
    labels[item.slice(0, at).trim()] = item.slice(at + 1).trim();
  }
  return labels;
}

/** `key=value:Effect,key:Effect` (kubelet --register-with-taints). */
export function parseTaintList(value: string): NodeTaint[] {
  return value
    .split(',')
    .filter((item) => item.trim() !== '')
    .map((item) => {
      const colon = item.lastIndexOf(':');
      if (colon < 0) {
        throw new KubeletFlagError(
          `--register-with-taints: "${item}" has no effect (key=value:Effect)`,
        );
      }
      const [key, value] = splitOnce(item.slice(0, colon), '=');
      return validTaint({ key, value, effect: item.slice(colon + 1) }, '--register-with-taints');
    });
}

/** A taint from kubeadm's nodeRegistration.taints or a flag, checked as the API would. */
export function validTaint(
  raw: { key: unknown; value?: unknown; effect: unknown },
  where: string,
): NodeTaint {
  const key = typeof raw.key === 'string' ? raw.key : '';
  if (qualifiedNameProblem(key)) {
    throw new KubeletFlagError(`${where}: invalid taint key "${key}"`);
  }
  if (!EFFECTS.includes(raw.effect as TaintEffect)) {
    throw new KubeletFlagError(
      `${where}: taint "${key}" has effect "${String(raw.effect)}"; must be one of ${EFFECTS.join(', ')}`,
    );
  }
  if (raw.value === undefined || raw.value === null || raw.value === '') {
    return { key, effect: raw.effect as TaintEffect };
  }
  const value = String(raw.value);
  const problem = labelValueProblem(value);
  if (problem) throw new KubeletFlagError(`${where}: taint "${key}" value: ${problem}`);
  return { key, value, effect: raw.effect as TaintEffect };
}

function checkLabelsKubeletMaySet(labels: Record<string, string>) {
  const refused = Object.keys(labels).filter(
    (key) => isKubernetesNamespace(key) && !isKubeletLabel(key),
  );
  if (refused.length > 0) {
    throw new KubeletFlagError(
      `the kubelet refuses to start: unknown 'kubernetes.io' or 'k8s.io' labels specified with ` +
        `--node-labels: [${refused.join(' ')}] (allowed: the ${KUBELET_LABEL_NAMESPACES.join(', ')} ` +
        `namespaces and the well-known kubelet labels)`,
    );
  }
  for (const [key, value] of Object.entries(labels)) {
    const problem = qualifiedNameProblem(key) ?? labelValueProblem(value);
    if (problem) throw new KubeletFlagError(`invalid node label ${key}=${value}: ${problem}`);
  }
}

function namespaceOf(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? '' : key.slice(0, slash);
}

function inNamespace(namespace: string, suffix: string) {
  return namespace === suffix || namespace.endsWith(`.${suffix}`);
}

function isKubernetesNamespace(key: string) {
  const namespace = namespaceOf(key);
  return inNamespace(namespace, 'kubernetes.io') || inNamespace(namespace, 'k8s.io');
}

function isKubeletLabel(key: string) {
  const namespace = namespaceOf(key);
  return KUBELET_LABELS.has(key) || KUBELET_LABEL_NAMESPACES.some((n) => inNamespace(namespace, n));
}

function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return 'the prefix must be a DNS subdomain';
  }
  if (name.length === 0 || name.length > 63 || !NAME_PART.test(name)) {
    return 'the name must be 1-63 alphanumerics, "-", "_" or "." starting and ending alphanumeric';
  }
  return undefined;
}

function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  return value.length <= 63 && NAME_PART.test(value)
    ? undefined
    : 'the value must be at most 63 alphanumerics, "-", "_" or "." starting and ending alphanumeric';
}

/** The flags we read from a kubelet command line (`--name=value` or `--name value`). */
export function kubeletArgsFromWords(words: readonly string[]): KubeletArg[] {
  const args: KubeletArg[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const found = /^--?([a-z0-9-]+)(?:=([\s\S]*))?$/.exec(words[i]!);
    if (!found || !VALUE_FLAGS.has(found[1]!)) continue;
    const value = found[2] ?? words[++i];
    if (value !== undefined) args.push({ name: found[1]!, value });
  }
  return args;
}

/**
 * The flags in an environment file the kubelet's systemd unit reads (/etc/default/kubelet on
 * Debian-family images): `$KUBELET_EXTRA_ARGS` is expanded unquoted, so split on whitespace.
 */
export function kubeletArgsFromEnvironmentFile(content: string): KubeletArg[] {
  const variables = new Map<string, string>();
  try {
    followShell(content, variables);
  } catch {
    return []; // systemd skips lines it cannot parse
  }
  const extra = variables.get('KUBELET_EXTRA_ARGS') ?? '';
  return kubeletArgsFromWords(extra.split(/\s+/).filter((w) => w !== ''));
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
