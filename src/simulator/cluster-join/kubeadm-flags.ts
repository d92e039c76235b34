// The arguments of `kubeadm join`, parsed as kubeadm's command line (cobra/pflag) parses them:
// `--flag value` or `--flag=value`, bare booleans, at most one positional argument (the API
// server endpoint), unknown flags refused, and `--config` not mixed with flags that would
// override the file.

import type { KubeadmJoinSettings } from './kubeadm-config';
import { KubeadmError } from './kubeadm-config';

export type JoinCommand = { configPath: string } | { settings: KubeadmJoinSettings };

const VALUE_FLAGS = new Set([
  'apiserver-advertise-address',
  'apiserver-bind-port',
  'certificate-key',
  'config',
  'cri-socket',
  'discovery-file',
  'discovery-token',
  'discovery-token-ca-cert-hash',
  'ignore-preflight-errors',
  'kubeconfig',
  'log-file',
  'node-name',
  'patches',
  'rootfs',
  'skip-phases',
  'tls-bootstrap-token',
  'token',
  'v',
]);
const BOOL_FLAGS = new Set([
  'control-plane',
  'discovery-token-unsafe-skip-ca-verification',
  'dry-run',
  'skip-log-headers',
]);
/** Flags kubeadm accepts next to `--config` (cmd/kubeadm/app/cmd/util isAllowedFlag). */
const ALLOWED_WITH_CONFIG = new Set([
  'config',
  'ignore-preflight-errors',
  'dry-run',
  'kubeconfig',
  'node-name',
  'rootfs',
  'v',
  'log-file',
]);
/** Flags that take a comma-separated list and may repeat. */
const LIST_FLAGS = new Set(['discovery-token-ca-cert-hash', 'ignore-preflight-errors']);

/** `args` are the words after `kubeadm join`. */
export function readJoinFlags(args: readonly string[]): JoinCommand {
  const { flags, positional } = parse(args);
  if (positional.length > 1) {
    throw new KubeadmError(`kubeadm join accepts at most 1 arg(s), received ${positional.length}`);
  }
  const config = last(flags, 'config');
  if (config !== undefined) {
    const mixed = [...flags.keys()].filter(
      (name) => !ALLOWED_WITH_CONFIG.has(name) && !name.startsWith('skip-'),
    );
    if (mixed.length > 0) {
      throw new KubeadmError(`can not mix '--config' with arguments [${mixed.join(' ')}]`);
    }
    return { configPath: config };
  }
  if (flags.has('control-plane')) {
    throw new KubeadmError('control-plane joins (--control-plane) are not simulated');
  }
  if (flags.has('discovery-file')) {
    throw new KubeadmError('file-based discovery (--discovery-file) is not simulated');
  }
  const token = last(flags, 'token') ?? '';
  return {
    settings: {
      discovery: {
        apiServerEndpoint: positional[0] ?? '',
        token: last(flags, 'discovery-token') ?? token,
        caCertHashes: (flags.get('discovery-token-ca-cert-hash') ?? [])
          .flatMap((v) => v.split(','))
          .filter((v) => v !== ''),
        unsafeSkipCAVerification:
          last(flags, 'discovery-token-unsafe-skip-ca-verification') === 'true',
      },
      tlsBootstrapToken: last(flags, 'tls-bootstrap-token') ?? token,
      nodeName: last(flags, 'node-name') || undefined,
      taints: [],
      kubeletExtraArgs: [],
    },
  };
}

function parse(args: readonly string[]) {
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    const found = /^--?([A-Za-z0-9-]+)(?:=([\s\S]*))?$/.exec(arg);
    if (!found || arg === '-') {
      positional.push(arg);
      continue;
    }
    const name = found[1]!;
    let value = found[2];
    if (BOOL_FLAGS.has(name)) {
      value ??= 'true';
      if (value !== 'true' && value !== 'false') {
        throw new KubeadmError(`invalid argument "${value}" for "--${name}" flag`);
      }
    } else if (VALUE_FLAGS.has(name)) {
      if (value === undefined) {
        value = args[i + 1];
        i += 1;
        if (value === undefined) throw new KubeadmError(`flag needs an argument: --${name}`);
      }
    } else {
      throw new KubeadmError(`unknown flag: ${arg.replace(/=.*$/, '')}`);
    }
    const values = flags.get(name) ?? [];
    values.push(value);
    flags.set(name, LIST_FLAGS.has(name) ? values : [value]);
  }
  return { flags, positional };
}

function last(flags: Map<string, string[]>, name: string): string | undefined {
  const values = flags.get(name);
  return values?.[values.length - 1];
}
