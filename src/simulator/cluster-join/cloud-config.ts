// Reads a VM's user-data as cloud-init would run it at first boot, independently of the
// autoscaler's renderer (the simulator stands in for the VM, so it must not share the product's
// assumptions). `#cloud-config`: authorized keys (top-level and per user), `write_files` (plain,
// base64 or gzip+base64; `defer`red files too, since they are written before runcmd runs), the
// hostname, and `runcmd`, which cloud-init turns into one shell script. `#!` shell scripts run
// as they are. Following that script in order, the first `kubeadm join` is planned against the
// files written before it. Nothing here throws on bad input: a problem becomes a reason.

import { gunzipSync } from 'node:zlib';
import type {
  AuthorizedKey,
  JoinReading,
  KubeletArg,
  UserDataFormat,
  UserDataReading,
} from './join-plan';
import { planJoin } from './kubeadm-join';
import { kubeletArgsFromEnvironmentFile } from './kubelet-args';
import {
  absolutePath,
  basename,
  followShell,
  SHELLS,
  ShellSyntaxError,
  withoutWrappers,
  type ShellStep,
} from './shell';
import { readYamlDocuments } from './yaml-text';

/** Where the kubelet's systemd unit reads KUBELET_EXTRA_ARGS from (Debian / RPM families). */
const KUBELET_ENVIRONMENT_FILES = ['/etc/default/kubelet', '/etc/sysconfig/kubelet'];

export function interpretUserData(userData: string | undefined): UserDataReading {
  const text = userData ?? '';
  const firstLine = (text.split('\n', 1)[0] ?? '').replace(/[ \t\r]+$/, '');
  const format = formatOf(text, firstLine);
  if (format === 'cloud-config') return readCloudConfig(text);
  if (format === 'shell-script') {
    return { format, authorizedKeys: [], ...followBoot(text, new Map()) };
  }
  const reason =
    format === 'empty'
      ? 'the VM has no user-data, so nothing runs kubeadm join'
      : `cloud-init does not run user-data starting "${firstLine.slice(0, 40)}" as a script or ` +
        'cloud-config that the simulator follows (only #cloud-config and #! shell scripts)';
  return { format, authorizedKeys: [], join: { kind: 'none', reason } };
}

function formatOf(text: string, firstLine: string): UserDataFormat {
  if (text.trim() === '') return 'empty';
  if (firstLine === '#cloud-config') return 'cloud-config';
  if (firstLine.startsWith('#!')) {
    const words = firstLine.slice(2).trim().split(/\s+/);
    const program = basename(words[0] ?? '') === 'env' ? words[1] : words[0];
    return SHELLS.has(basename(program ?? '')) ? 'shell-script' : 'unsupported';
  }
  return 'unsupported';
}

function readCloudConfig(text: string): UserDataReading {
  const format = 'cloud-config';
  const yaml = readYamlDocuments(text);
  if (!yaml.ok || yaml.values.length > 1) {
    const problem = `the cloud-config is not valid YAML, so cloud-init ignores all of it: ${
      yaml.ok ? 'it holds more than one document' : yaml.problem
    }`;
    return { format, authorizedKeys: [], problem, join: { kind: 'none', reason: problem } };
  }
  const value = yaml.values[0];
  if (value !== null && value !== undefined && !isMapping(value)) {
    const problem = 'the cloud-config is not a mapping, so cloud-init ignores it';
    return { format, authorizedKeys: [], problem, join: { kind: 'none', reason: problem } };
  }
  const config = value ?? {};
  const problems: string[] = [];
  const files = writeFiles(config.write_files, problems);
  const runcmd = runcmdScript(config.runcmd, problems);
  const booted = followBoot(runcmd, files, configuredHostname(config));
  return {
    format,
    hostname: booted.hostname,
    authorizedKeys: authorizedKeys(config, problems),
    ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
    join: booted.join,
  };
}

/** Follows a boot script: the hostname it leaves and the first `kubeadm join` it runs. */
function followBoot(
  script: string,
  files: Map<string, string>,
  hostname?: string,
): { hostname?: string; join: JoinReading } {
  let steps: ShellStep[];
  try {
    steps = followShell(script);
  } catch (error) {
    if (!(error instanceof ShellSyntaxError)) throw error;
    const reason = `the boot script is not valid shell (${error.message}), so it does not run`;
    return { hostname, join: { kind: 'none', reason } };
  }
  for (const step of steps) {
    if (step.kind === 'write') {
      const path = absolutePath(step.path);
      files.set(path, (step.append ? (files.get(path) ?? '') : '') + step.content);
      continue;
    }
    hostname = hostnameSetBy(step.argv) ?? hostname;
    const args = kubeadmJoinArgs(step.argv);
    if (args) {
      const join = planJoin({ args, files, kubeletEnvironmentArgs: kubeletEnvironment(files) });
      return { hostname, join };
    }
  }
  return {
    hostname,
    join: { kind: 'none', reason: 'nothing in the user-data runs kubeadm join' },
  };
}

function kubeletEnvironment(files: ReadonlyMap<string, string>): KubeletArg[] {
  return KUBELET_ENVIRONMENT_FILES.flatMap((path) => {
    const content = files.get(path);
    return content === undefined ? [] : kubeletArgsFromEnvironmentFile(content);
  });
}

/** The words after `join` (kubeadm's global flags before it included), or undefined. */
export function kubeadmJoinArgs(words: readonly string[]): string[] | undefined {
  const argv = withoutWrappers(words);
  if (argv[0] === undefined || basename(argv[0]) !== 'kubeadm') return undefined;
  const rest = argv.slice(1);
  const join = rest.findIndex((word) => !word.startsWith('-'));
  if (join < 0 || rest[join] !== 'join') return undefined;
  return [...rest.slice(0, join), ...rest.slice(join + 1)];
}

function hostnameSetBy(words: readonly string[]): string | undefined {
  const argv = withoutWrappers(words);
  const name = argv[0] === undefined ? '' : basename(argv[0]);
  if (name === 'hostnamectl' && argv[1] === 'set-hostname') return argv[2];
  if (name === 'hostname' && argv.length === 2 && !argv[1]!.startsWith('-')) return argv[1];
  return undefined;
}

function configuredHostname(config: Record<string, unknown>): string | undefined {
  if (config.preserve_hostname === true) return undefined;
  const hostname = scalarText(config.hostname);
  if (hostname !== undefined) return hostname;
  // With only an fqdn, cloud-init sets the short name as the hostname.
  return scalarText(config.fqdn)?.split('.')[0];
}

function authorizedKeys(config: Record<string, unknown>, problems: string[]): AuthorizedKey[] {
  const keys: AuthorizedKey[] = keyList(
    config.ssh_authorized_keys,
    'ssh_authorized_keys',
    problems,
  ).map((key) => ({ user: 'default', key }));
  const users = Array.isArray(config.users) ? config.users : [];
  for (const user of users) {
    if (!isMapping(user) || typeof user.name !== 'string') continue;
    const field = `users[${user.name}].ssh_authorized_keys`;
    for (const key of keyList(user.ssh_authorized_keys, field, problems)) {
      keys.push({ user: user.name, key });
    }
  }
  return keys;
}

function keyList(value: unknown, field: string, problems: string[]): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(`${field} is not a list, so cloud-init installs no key from it`);
    return [];
  }
  return value.filter((key): key is string => typeof key === 'string' && key.trim() !== '');
}

function writeFiles(value: unknown, problems: string[]): Map<string, string> {
  const files = new Map<string, string>();
  if (value === undefined || value === null) return files;
  if (!Array.isArray(value)) {
    problems.push('write_files is not a list, so cloud-init writes no file');
    return files;
  }
  for (const entry of value) {
    if (!isMapping(entry) || typeof entry.path !== 'string') {
      problems.push('a write_files entry has no path and is skipped');
      continue;
    }
    const path = absolutePath(entry.path);
    try {
      const content = decode(entry.content, scalarText(entry.encoding));
      files.set(path, (entry.append === true ? (files.get(path) ?? '') : '') + content);
    } catch (error) {
      problems.push(`write_files ${path} cannot be decoded (${(error as Error).message})`);
    }
  }
  return files;
}

function decode(content: unknown, encoding: string | undefined): string {
  const raw =
    content instanceof Uint8Array ? Buffer.from(content) : Buffer.from(scalarText(content) ?? '');
  switch ((encoding ?? '').toLowerCase()) {
    case 'b64':
    case 'base64':
      return Buffer.from(raw.toString(), 'base64').toString('utf8');
    case 'gz':
    case 'gzip':
      return gunzipSync(raw).toString('utf8');
    case 'gz+b64':
    case 'gz+base64':
    case 'gzip+b64':
    case 'gzip+base64':
      return gunzipSync(Buffer.from(raw.toString(), 'base64')).toString('utf8');
    default:
      return raw.toString('utf8');
  }
}

/** cloud-init writes runcmd as one shell script: strings verbatim, lists shell-quoted. */
function runcmdScript(value: unknown, problems: string[]): string {
  if (value === undefined || value === null) return '';
  if (!Array.isArray(value)) {
    problems.push('runcmd is not a list, so cloud-init runs nothing from it');
    return '';
  }
  return value
    .map((entry) =>
      Array.isArray(entry)
        ? entry.map((word) => quoteShellWord(String(word))).join(' ')
        : String(entry),
    )
    .join('\n');
}

/** Python's shlex.quote, which cloud-init uses for list-form commands. */
export function quoteShellWord(word: string): string {
  if (word === '') return "''";
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`;
}

function scalarText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
