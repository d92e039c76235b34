// The generated CustomResourceDefinitions: names, structural schemas, printer columns that point
// at real fields, and defaults that agree with zod's.
import { buildCrds } from '../../../src/apis/crds';
import type {
  CustomResourceDefinition,
  JSONSchemaProps,
} from '../../../src/apis/kubernetes-schema';
import {
  NodeGroupSpec,
  VPSieNodeSpec,
  exampleVPSieNode,
  minimalNodeGroup,
  productionNodeGroup,
} from '../../../src/apis/v1alpha1';

const crds = buildCrds();
const byKind = (kind: string): CustomResourceDefinition =>
  crds.find((crd) => crd.spec.names.kind === kind)!;
const rootOf = (kind: string) => byKind(kind).spec.versions[0]!.schema.openAPIV3Schema;

test('names, scope, short names, categories and the status subresource', () => {
  expect(
    crds.map((crd) => ({
      name: crd.metadata.name,
      scope: crd.spec.scope,
      names: crd.spec.names,
      versions: crd.spec.versions.map((v) => [v.name, v.served, v.storage, v.subresources]),
    })),
  ).toEqual([
    {
      name: 'nodegroups.autoscaler.vpsie.com',
      scope: 'Namespaced',
      names: {
        kind: 'NodeGroup',
        listKind: 'NodeGroupList',
        plural: 'nodegroups',
        singular: 'nodegroup',
        shortNames: ['ng', 'ngs'],
        categories: ['vpsie'],
      },
      versions: [['v1alpha1', true, true, { status: {} }]],
    },
    {
      name: 'vpsienodes.autoscaler.vpsie.com',
      scope: 'Namespaced',
      names: {
        kind: 'VPSieNode',
        listKind: 'VPSieNodeList',
        plural: 'vpsienodes',
        singular: 'vpsienode',
        shortNames: ['vn', 'vns'],
        categories: ['vpsie'],
      },
      versions: [['v1alpha1', true, true, { status: {} }]],
    },
  ]);
});

test('printer columns are those of the reference (plus Scaling and a wide-only pause column)', () => {
  const columns = (kind: string) =>
    byKind(kind)
      .spec.versions[0]!.additionalPrinterColumns.filter((c) => !c.priority)
      .map((c) => c.name);
  expect(columns('NodeGroup')).toEqual([
    'Min',
    'Max',
    'Desired',
    'Current',
    'Ready',
    'Scaling',
    'Age',
  ]);
  expect(columns('VPSieNode')).toEqual([
    'VPS ID',
    'Node',
    'Phase',
    'Instance Type',
    'NodeGroup',
    'Age',
  ]);
});

/** The schema node a JSONPath (.a.b, or .a[?(filter)].b into array items) leads to, if any. */
function nodeAt(root: JSONSchemaProps, jsonPath: string): JSONSchemaProps | undefined {
  let node: JSONSchemaProps | undefined = root;
  const segments = /\.([A-Za-z0-9_]+)(\[\?\([^)]*\)\])?/g;
  let consumed = 0;
  for (const [segment, key, filter] of jsonPath.matchAll(segments)) {
    node = node?.properties?.[key!];
    if (filter) node = node?.items as JSONSchemaProps | undefined;
    consumed += segment.length;
  }
  return consumed === jsonPath.length ? node : undefined;
}

test.each(['NodeGroup', 'VPSieNode'])(
  '%s printer columns point at fields of their type',
  (kind) => {
    for (const column of byKind(kind).spec.versions[0]!.additionalPrinterColumns) {
      if (column.jsonPath === '.metadata.creationTimestamp') {
        expect(column.type).toBe('date');
        continue;
      }
      const node = nodeAt(rootOf(kind), column.jsonPath);
      expect({ column: column.name, type: node?.type }).toEqual({
        column: column.name,
        type: column.type,
      });
    }
  },
);

/** Violations of the structural-schema rules the API server enforces on a CRD. */
function structuralViolations(node: JSONSchemaProps, path: string, out: string[] = []): string[] {
  const raw = node as Record<string, unknown>;
  if (!node.type && !node['x-kubernetes-preserve-unknown-fields']) out.push(`${path}: no type`);
  if ('$ref' in raw) out.push(`${path}: $ref`);
  for (const key of ['anyOf', 'oneOf', 'allOf', 'not', 'propertyNames', 'const', '$schema']) {
    if (key in raw) out.push(`${path}: ${key}`);
  }
  if (node.properties && node.additionalProperties)
    out.push(`${path}: properties + additionalProperties`);
  if (node.type === 'array' && !node.items) out.push(`${path}: array without items`);
  if (node.nullable !== undefined && typeof node.nullable !== 'boolean')
    out.push(`${path}: nullable`);
  for (const [key, child] of Object.entries(node.properties ?? {}))
    structuralViolations(child, `${path}.${key}`, out);
  if (node.items) structuralViolations(node.items, `${path}[]`, out);
  if (node.additionalProperties) structuralViolations(node.additionalProperties, `${path}.*`, out);
  return out;
}

test.each(['NodeGroup', 'VPSieNode'])('%s has a structural schema', (kind) => {
  const root = rootOf(kind);
  expect(structuralViolations(root, kind)).toEqual([]);
  // The API server owns metadata: a CRD may say only that it is an object.
  expect(root.properties!.metadata).toEqual({ type: 'object' });
  expect(root.required).toEqual(['spec']);
});

/** Every CEL rule needs bounded inputs; list the ones under unbounded lists, maps or strings. */
function unboundedRuleInputs(node: JSONSchemaProps, path: string, out: string[] = []): string[] {
  if (node['x-kubernetes-validations']) {
    const walk = (n: JSONSchemaProps, p: string) => {
      if (n.type === 'array' && n.maxItems === undefined) out.push(`${p}: maxItems`);
      if (n.type === 'string' && n.maxLength === undefined && !n.enum && !n.format)
        out.push(`${p}: maxLength`);
      if (n.additionalProperties && n.maxProperties === undefined) out.push(`${p}: maxProperties`);
      for (const [k, c] of Object.entries(n.properties ?? {})) walk(c, `${p}.${k}`);
      if (n.items) walk(n.items, `${p}[]`);
      if (n.additionalProperties) walk(n.additionalProperties, `${p}.*`);
    };
    walk(node, path);
  }
  for (const [key, child] of Object.entries(node.properties ?? {}))
    unboundedRuleInputs(child, `${path}.${key}`, out);
  if (node.items) unboundedRuleInputs(node.items, `${path}[]`, out);
  if (node.additionalProperties) unboundedRuleInputs(node.additionalProperties, `${path}.*`, out);
  return out;
}

test.each(['NodeGroup', 'VPSieNode'])(
  '%s CEL rules only see bounded values (CEL cost budget)',
  (kind) => {
    expect(unboundedRuleInputs(rootOf(kind).properties!.spec!, 'spec')).toEqual([]);
  },
);

/** Structural defaulting as the API server does it: missing fields get `default`, recursively. */
function applyDefaults(schema: JSONSchemaProps, value: unknown): unknown {
  if (Array.isArray(value))
    return value.map((item) => (schema.items ? applyDefaults(schema.items, item) : item));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (out[key] === undefined && prop.default !== undefined)
      out[key] = structuredClone(prop.default);
    if (out[key] !== undefined) out[key] = applyDefaults(prop, out[key]);
  }
  if (schema.additionalProperties) {
    for (const key of Object.keys(out))
      out[key] = applyDefaults(schema.additionalProperties, out[key]);
  }
  return out;
}

test.each([
  ['minimal NodeGroup', 'NodeGroup', minimalNodeGroup.spec, NodeGroupSpec],
  ['production NodeGroup', 'NodeGroup', productionNodeGroup.spec, NodeGroupSpec],
  [
    'a NodeGroup with an empty window policy',
    'NodeGroup',
    {
      ...minimalNodeGroup.spec,
      scaleDownPolicy: { maintenanceWindows: [{ days: ['Sun'], start: '01:00', end: '02:00' }] },
    },
    NodeGroupSpec,
  ],
  ['VPSieNode', 'VPSieNode', exampleVPSieNode.spec, VPSieNodeSpec],
] as const)('%s: the CRD defaults give what zod parsing gives', (_name, kind, spec, schema) => {
  const specSchema = rootOf(kind).properties!.spec!;
  expect(applyDefaults(specSchema, spec)).toEqual(schema.parse(spec));
});
