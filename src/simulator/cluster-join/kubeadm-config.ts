// Reads a kubeadm config file the way `kubeadm join --config` does: one JoinConfiguration among
// possibly several YAML documents, in kubeadm.k8s.io/v1beta3 (kubeletExtraArgs is a map) or
// v1beta4 (a list of {name, value}). Shapes kubeadm's strict decoding would reject are reported,
// not guessed at.

import type { JoinPlan, KubeletArg, NodeTaint } from './join-plan';
import { KubeletFlagError, validTaint } from './kubelet-args';
import { readYamlDocuments } from './yaml-text';

export class KubeadmError extends Error {}

/** What a join is told, by a config file or by flags, before it is checked. */
export interface KubeadmJoinSettings {
  apiVersion?: string;
  discovery: JoinPlan['discovery'];
  tlsBootstrapToken: string;
  nodeName?: string;
  taints: NodeTaint[];
  kubeletExtraArgs: KubeletArg[];
}

const SUPPORTED = ['kubeadm.k8s.io/v1beta3', 'kubeadm.k8s.io/v1beta4'];

export function readJoinConfiguration(content: string, path: string): KubeadmJoinSettings {
  const yaml = readYamlDocuments(content);
  if (!yaml.ok) throw new KubeadmError(`${path} is not valid YAML: ${yaml.problem}`);
  const joins = yaml.values.filter(
    (doc): doc is Record<string, unknown> =>
      isMapping(doc) &&
      doc.kind === 'JoinConfiguration' &&
      typeof doc.apiVersion === 'string' &&
      doc.apiVersion.startsWith('kubeadm.k8s.io/'),
  );
  if (joins.length === 0) throw new KubeadmError(`${path} holds no kubeadm JoinConfiguration`);
  if (joins.length > 1) throw new KubeadmError(`${path} holds ${joins.length} JoinConfigurations`);
  const join = joins[0]!;
  const apiVersion = join.apiVersion as string;
  if (!SUPPORTED.includes(apiVersion)) {
    throw new KubeadmError(`kubeadm does not read ${apiVersion} (use ${SUPPORTED.join(' or ')})`);
  }
  if (join.controlPlane !== undefined && join.controlPlane !== null) {
    throw new KubeadmError(
      'control-plane joins (JoinConfiguration.controlPlane) are not simulated',
    );
  }
  const discovery = mapping(join.discovery, 'discovery');
  if (discovery.file !== undefined) {
    throw new KubeadmError('file-based discovery (discovery.file) is not simulated');
  }
  if (discovery.bootstrapToken === undefined || discovery.bootstrapToken === null) {
    throw new KubeadmError('discovery.bootstrapToken is not set');
  }
  const bootstrap = mapping(discovery.bootstrapToken, 'discovery.bootstrapToken');
  const token = text(bootstrap.token, 'discovery.bootstrapToken.token') ?? '';
  const registration = mapping(join.nodeRegistration ?? {}, 'nodeRegistration');
  return {
    apiVersion,
    discovery: {
      apiServerEndpoint:
        text(bootstrap.apiServerEndpoint, 'discovery.bootstrapToken.apiServerEndpoint') ?? '',
      token,
      caCertHashes: stringList(bootstrap.caCertHashes, 'discovery.bootstrapToken.caCertHashes'),
      unsafeSkipCAVerification: bootstrap.unsafeSkipCAVerification === true,
    },
    tlsBootstrapToken: text(discovery.tlsBootstrapToken, 'discovery.tlsBootstrapToken') || token,
    nodeName: text(registration.name, 'nodeRegistration.name') || undefined,
    taints: taints(registration.taints),
    kubeletExtraArgs: extraArgs(apiVersion, registration.kubeletExtraArgs),
  };
}

// v1beta4 made extra args a list so a flag can repeat; v1beta3 had a map.
function extraArgs(apiVersion: string, value: unknown): KubeletArg[] {
  const field = 'nodeRegistration.kubeletExtraArgs';
  if (value === undefined || value === null) return [];
  if (apiVersion === 'kubeadm.k8s.io/v1beta3') {
    if (!isMapping(value)) throw new KubeadmError(`${field} must be a map in ${apiVersion}`);
    return Object.entries(value).map(([name, v]) => ({
      name,
      value: scalar(v, `${field}.${name}`),
    }));
  }
  if (!Array.isArray(value)) {
    throw new KubeadmError(`${field} must be a list of {name, value} in ${apiVersion}`);
  }
  return value.map((item, i) => {
    const arg = mapping(item, `${field}[${i}]`);
    return {
      name: text(arg.name, `${field}[${i}].name`) ?? '',
      value: arg.value === undefined ? '' : scalar(arg.value, `${field}[${i}].value`),
    };
  });
}

function taints(value: unknown): NodeTaint[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new KubeadmError('nodeRegistration.taints must be a list');
  return value.map((item, i) => {
    const taint = mapping(item, `nodeRegistration.taints[${i}]`);
    try {
      return validTaint(
        { key: taint.key, value: taint.value, effect: taint.effect },
        'nodeRegistration.taints',
      );
    } catch (error) {
      if (error instanceof KubeletFlagError) throw new KubeadmError(error.message);
      throw error;
    }
  });
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function mapping(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) throw new KubeadmError(`${field} must be a mapping`);
  return value;
}

function text(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new KubeadmError(`${field} must be a string`);
  return value;
}

function scalar(value: unknown, field: string): string {
  if (['string', 'number', 'boolean'].includes(typeof value)) return String(value);
  throw new KubeadmError(`${field} must be a string`);
}

function stringList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new KubeadmError(`${field} must be a list of strings`);
  }
  return value as string[];
}
