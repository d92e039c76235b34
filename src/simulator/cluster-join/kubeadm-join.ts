// Turns one `kubeadm join` command, the files written before it ran and the kubelet's extra
// flags into a JoinPlan, applying the checks kubeadm and the kubelet make before they contact
// the cluster: a well-formed endpoint and tokens, CA pins (or an explicit opt-out), and
// registration labels/taints the kubelet accepts. What needs the cluster (does the token exist?
// does the pin match?) is the joiner's job.

import type { JoinReading, KubeletArg } from './join-plan';
import { KubeadmError, readJoinConfiguration, type KubeadmJoinSettings } from './kubeadm-config';
import { readJoinFlags } from './kubeadm-flags';
import { KubeletFlagError, kubeletRegistration } from './kubelet-args';
import { absolutePath } from './shell';

export const TOKEN_FORMAT = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;

export interface JoinInput {
  /** The words after `kubeadm join`. */
  args: readonly string[];
  /** Files on the VM when the command runs, by absolute path. */
  files: ReadonlyMap<string, string>;
  /** Kubelet flags from its environment file (KUBELET_EXTRA_ARGS), applied after kubeadm's. */
  kubeletEnvironmentArgs: readonly KubeletArg[];
}

export function planJoin(input: JoinInput): JoinReading {
  try {
    const command = readJoinFlags(input.args);
    let settings: KubeadmJoinSettings;
    let configPath: string | undefined;
    if ('configPath' in command) {
      configPath = absolutePath(command.configPath);
      const content = input.files.get(configPath);
      if (content === undefined) {
        throw new KubeadmError(
          `kubeadm join --config ${command.configPath}: no such file (nothing in the user-data writes it)`,
        );
      }
      settings = readJoinConfiguration(content, configPath);
    } else {
      settings = command.settings;
    }
    checkDiscovery(settings);
    const kubeletArgs = [...settings.kubeletExtraArgs, ...input.kubeletEnvironmentArgs];
    const registration = kubeletRegistration(kubeletArgs, settings.taints);
    return {
      kind: 'join',
      plan: {
        source: configPath === undefined ? 'flags' : 'config-file',
        configPath,
        apiVersion: settings.apiVersion,
        discovery: settings.discovery,
        tlsBootstrapToken: settings.tlsBootstrapToken,
        // kubeadm passes nodeRegistration.name as --hostname-override; an extra arg overrides it.
        nodeName: registration.hostnameOverride ?? settings.nodeName,
        kubeletArgs,
        nodeLabels: registration.labels,
        taints: registration.taints,
        providerId: registration.providerId,
      },
    };
  } catch (error) {
    if (error instanceof KubeadmError || error instanceof KubeletFlagError) {
      return { kind: 'invalid', reason: error.message };
    }
    throw error;
  }
}

function checkDiscovery(settings: KubeadmJoinSettings) {
  const { apiServerEndpoint, token, caCertHashes, unsafeSkipCAVerification } = settings.discovery;
  if (apiServerEndpoint === '') throw new KubeadmError('no API server endpoint to join');
  const hostPort = HOST_PORT.exec(apiServerEndpoint);
  if (!hostPort || +hostPort[3]! < 1 || +hostPort[3]! > 65535) {
    throw new KubeadmError(
      `apiServerEndpoint "${apiServerEndpoint}" must be host:port (no scheme, no path)`,
    );
  }
  checkToken(token, 'discovery token');
  checkToken(settings.tlsBootstrapToken, 'TLS bootstrap token');
  if (caCertHashes.length === 0 && !unsafeSkipCAVerification) {
    throw new KubeadmError(
      'token-based discovery without caCertHashes can be unsafe: kubeadm refuses it unless ' +
        'unsafeSkipCAVerification is set',
    );
  }
  for (const pin of caCertHashes) checkPin(pin);
}

// Token values are secrets: reasons name what is wrong, never the value.
function checkToken(token: string, what: string) {
  if (TOKEN_FORMAT.test(token)) return;
  const hint = token.includes('$') ? ' (it holds an unexpanded shell variable)' : '';
  throw new KubeadmError(
    token === ''
      ? `no ${what} given`
      : `the ${what} is not of the form [a-z0-9]{6}.[a-z0-9]{16}${hint}`,
  );
}

/** kubeadm's pubkeypin format: `sha256:` and 64 hex digits. */
function checkPin(pin: string) {
  const colon = pin.indexOf(':');
  if (colon < 0) {
    throw new KubeadmError(`invalid CA cert hash "${pin}", expected "format:hex-value" (sha256)`);
  }
  const format = pin.slice(0, colon);
  if (format.toLowerCase() !== 'sha256') {
    throw new KubeadmError(`unknown CA cert hash format "${format}" (known: sha256)`);
  }
  if (!/^[0-9a-fA-F]{64}$/.test(pin.slice(colon + 1))) {
    throw new KubeadmError(`CA cert hash "${pin}" is not a 32-byte SHA-256 in hex`);
  }
}
