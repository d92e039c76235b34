// The variables a template sees: the built-ins the provisioning workflow supplies for each node,
// overlaid with the NodeGroup's cloudInitVariables. Also the shape of each variable, which the
// template checker uses to catch unknown names before anything is rendered.
import { IDENTIFIER, LABEL_VALUE, QUALIFIED_NAME } from '../../apis/v1alpha1/common';
import type { Taint } from '../../apis/v1alpha1/nodegroup';
import { parsePublicKey } from '../ssh-keys/public-key';
import { CloudInitTemplateError } from './errors';
import { BLOCK_HELPERS, EMIT_HELPER, VALUE_HELPERS } from './helpers';

export type NodeTaint = Taint;

/** What the provisioning workflow knows about the node being created. */
export interface BuiltInVariables {
  /** host:port of the Kubernetes API server (kubeadm's apiServerEndpoint). */
  ClusterEndpoint: string;
  /** kubeadm bootstrap token, `abcdef.0123456789abcdef`. */
  JoinToken: string;
  /** `sha256:<hex>` of the cluster CA's public key (kubeadm --discovery-token-ca-cert-hash). */
  CACertHash: string;
  /** Kubernetes node name, also the VM hostname and the VPSieNode name. */
  NodeName: string;
  NodeGroupName: string;
  DatacenterID: string;
  /** The VPSie offering (plan) chosen for this VM. */
  OfferingID: string;
  /** `v` + semantic version, from the NodeGroup's kubernetesVersion. */
  KubernetesVersion: string;
  /** Validated OpenSSH public keys, one per entry (see ssh-keys/merge.ts). */
  SSHAuthorizedKeys: readonly string[];
  /** Labels the kubelet registers the node with. */
  NodeLabels: Readonly<Record<string, string>>;
  /** Taints the kubelet registers the node with. */
  NodeTaints: readonly NodeTaint[];
}

export const SCALAR_BUILT_INS = [
  'ClusterEndpoint',
  'JoinToken',
  'CACertHash',
  'NodeName',
  'NodeGroupName',
  'DatacenterID',
  'OfferingID',
  'KubernetesVersion',
] as const satisfies readonly (keyof BuiltInVariables)[];

// Lists and maps are computed from validated NodeGroup fields (sshPublicKeys, labels, taints). A
// string from cloudInitVariables could neither take their shape nor pass their validation, so
// these names cannot be overridden.
export const STRUCTURED_BUILT_INS = [
  'SSHAuthorizedKeys',
  'NodeLabels',
  'NodeTaints',
] as const satisfies readonly (keyof BuiltInVariables)[];

export const BUILT_IN_VARIABLE_NAMES: readonly string[] = [
  ...SCALAR_BUILT_INS,
  ...STRUCTURED_BUILT_INS,
];

/** What a value looks like, as far as the template checker needs to know. */
export type ValueShape =
  | { kind: 'string' }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'list'; item: ValueShape }
  | { kind: 'map'; value: ValueShape }
  | { kind: 'record'; fields: ReadonlyMap<string, ValueShape> }
  | { kind: 'unknown' };

const TEXT: ValueShape = { kind: 'string' };
const TAINT: ValueShape = {
  kind: 'record',
  fields: new Map([
    ['key', TEXT],
    ['value', TEXT],
    ['effect', TEXT],
  ]),
};

/** The top-level context of a template that may use these user variable names. */
export function rootShape(userVariableNames: Iterable<string>): ValueShape & { kind: 'record' } {
  const fields = new Map<string, ValueShape>(SCALAR_BUILT_INS.map((name) => [name, TEXT]));
  fields.set('SSHAuthorizedKeys', { kind: 'list', item: TEXT });
  fields.set('NodeLabels', { kind: 'map', value: TEXT });
  fields.set('NodeTaints', { kind: 'list', item: TAINT });
  for (const name of userVariableNames) fields.set(name, TEXT);
  return { kind: 'record', fields };
}

// Names a variable cannot have: Handlebars keywords, and our helpers (a variable named `concat`
// would be called as the helper).
const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'this',
  'true',
  'false',
  'null',
  'undefined',
  'else',
  ...BLOCK_HELPERS,
  ...VALUE_HELPERS,
  EMIT_HELPER,
]);

function invalid(reference: string, detail: string): CloudInitTemplateError {
  return new CloudInitTemplateError('invalid_variable', detail, { reference });
}

/** Refuses user variable names a template could not reference, or that would shadow a helper. */
export function checkUserVariableNames(names: Iterable<string>): void {
  for (const name of names) {
    if (!IDENTIFIER.test(name)) {
      throw invalid(
        name,
        `cloudInitVariables key ${JSON.stringify(name)} is not an identifier (a letter or _, then letters, digits or _)`,
      );
    }
    if (RESERVED_NAMES.has(name)) {
      throw invalid(
        name,
        `cloudInitVariables key "${name}" is reserved (a keyword or helper name)`,
      );
    }
    if ((STRUCTURED_BUILT_INS as readonly string[]).includes(name)) {
      throw invalid(
        name,
        `cloudInitVariables cannot override ${name}: it is computed from the NodeGroup ` +
          '(sshPublicKeys/sshKeySecretRef, labels, taints); set those fields instead',
      );
    }
  }
}

function checkStructuredBuiltIns(builtIns: BuiltInVariables): void {
  builtIns.SSHAuthorizedKeys.forEach((line, i) => {
    const parsed = parsePublicKey(line);
    if (!parsed.ok)
      throw invalid(`SSHAuthorizedKeys[${i}]`, `SSHAuthorizedKeys[${i}] ${parsed.reason}`);
  });
  // Label keys and values end up joined as k=v,k=v in kubelet's --node-labels: the label syntax
  // rules out the separators, so checking it keeps that encoding unambiguous.
  for (const [key, value] of Object.entries(builtIns.NodeLabels)) {
    if (!QUALIFIED_NAME.test(key))
      throw invalid('NodeLabels', `NodeLabels key "${key}" is not a label key`);
    if (typeof value !== 'string' || !LABEL_VALUE.test(value) || value.length > 63) {
      throw invalid('NodeLabels', `NodeLabels["${key}"] is not a label value`);
    }
  }
  builtIns.NodeTaints.forEach((taint, i) => {
    const valueOk =
      taint.value === undefined || (LABEL_VALUE.test(taint.value) && taint.value.length <= 63);
    const effectOk = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(taint.effect);
    if (!QUALIFIED_NAME.test(taint.key) || !valueOk || !effectOk) {
      throw invalid('NodeTaints', `NodeTaints[${i}] is not a valid taint (key, value, effect)`);
    }
  });
}

export interface TemplateContext {
  /** What the template is rendered with. */
  values: Record<string, unknown>;
  /** Built-ins the NodeGroup's cloudInitVariables replaced, for the caller to log. */
  overriddenBuiltIns: string[];
}

/** Built-ins overlaid with the user's variables, after checking both. */
export function buildTemplateContext(
  builtIns: BuiltInVariables,
  userVariables: Readonly<Record<string, string>> = {},
): TemplateContext {
  checkUserVariableNames(Object.keys(userVariables));
  checkStructuredBuiltIns(builtIns);
  // An ordinary object (Handlebars compares contexts with `!=`, which a prototype-less object
  // cannot take part in), filled with defineProperty so a name such as __proto__ stays an own
  // property instead of reaching the prototype.
  const values: Record<string, unknown> = {};
  const set = (name: string, value: unknown) =>
    Object.defineProperty(values, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  for (const name of SCALAR_BUILT_INS) set(name, builtIns[name]);
  set('SSHAuthorizedKeys', [...builtIns.SSHAuthorizedKeys]);
  set('NodeLabels', { ...builtIns.NodeLabels });
  // A taint without a value has the value "" in the template, so {{value}} never fails on it;
  // Kubernetes treats the two the same.
  set(
    'NodeTaints',
    builtIns.NodeTaints.map(({ key, value, effect }) => ({ key, value: value ?? '', effect })),
  );
  const overriddenBuiltIns: string[] = [];
  for (const [name, value] of Object.entries(userVariables)) {
    if (typeof value !== 'string')
      throw invalid(name, `cloudInitVariables["${name}"] must be a string`);
    if (Object.hasOwn(values, name)) overriddenBuiltIns.push(name);
    set(name, value);
  }
  return { values, overriddenBuiltIns };
}
