// The CustomResourceDefinitions of autoscaler.vpsie.com, built from the zod schemas: names,
// scope, the status subresource, printer columns, and the openAPIV3Schema converted from the
// resource's spec and status schemas. Pure: scripts/build/generate-crds.ts writes the files.
import { z } from 'zod';
import type { CustomResourceDefinition, JSONSchemaProps, PrinterColumn } from './kubernetes-schema';
import { toOpenAPIV3Schema } from './openapi';
import { GROUP, NodeGroup, VERSION, VPSieNode } from './v1alpha1';

export interface ResourceDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  /** The resource's zod schema: its description, `spec` and `status` become the CRD schema. */
  schema: z.ZodObject<{ spec: z.ZodType; status: z.ZodType }>;
  printerColumns: PrinterColumn[];
}

export const CATEGORIES = ['vpsie'];

const age: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

export const RESOURCES: ResourceDefinition[] = [
  {
    kind: 'NodeGroup',
    plural: 'nodegroups',
    singular: 'nodegroup',
    shortNames: ['ng', 'ngs'],
    schema: NodeGroup,
    printerColumns: [
      { name: 'Min', type: 'integer', jsonPath: '.spec.minNodes', description: 'Minimum nodes' },
      { name: 'Max', type: 'integer', jsonPath: '.spec.maxNodes', description: 'Maximum nodes' },
      {
        name: 'Desired',
        type: 'integer',
        jsonPath: '.status.desiredNodes',
        description: 'Desired nodes',
      },
      {
        name: 'Current',
        type: 'integer',
        jsonPath: '.status.currentNodes',
        description: 'Current nodes',
      },
      {
        name: 'Ready',
        type: 'integer',
        jsonPath: '.status.readyNodes',
        description: 'Ready nodes',
      },
      {
        name: 'Scaling',
        type: 'string',
        jsonPath: '.status.conditions[?(@.type=="Scaling")].reason',
        description: 'Reason of the Scaling condition: ScalingUp, ScalingDown, Stable',
      },
      {
        name: 'Scale-Down Paused',
        type: 'boolean',
        jsonPath: '.status.scaleDownPause.paused',
        description: 'Whether an operator paused scale-down',
        priority: 1,
      },
      age,
    ],
  },
  {
    kind: 'VPSieNode',
    plural: 'vpsienodes',
    singular: 'vpsienode',
    shortNames: ['vn', 'vns'],
    schema: VPSieNode,
    printerColumns: [
      {
        name: 'VPS ID',
        type: 'string',
        jsonPath: '.spec.vpsID',
        description: 'VPSie VM identifier',
      },
      {
        name: 'Node',
        type: 'string',
        jsonPath: '.status.nodeName',
        description: 'Kubernetes node',
      },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Lifecycle phase' },
      {
        name: 'Instance Type',
        type: 'string',
        jsonPath: '.spec.instanceType',
        description: 'VPSie offering',
      },
      {
        name: 'NodeGroup',
        type: 'string',
        jsonPath: '.spec.nodeGroupName',
        description: 'Owning NodeGroup',
      },
      age,
    ],
  },
];

// The API server owns the schema of these three; a CRD may not constrain metadata further.
const TYPE_META_AND_METADATA: Record<string, JSONSchemaProps> = {
  apiVersion: {
    description: 'Versioned schema of this representation of the object.',
    type: 'string',
  },
  kind: { description: 'REST resource this object represents.', type: 'string' },
  metadata: { type: 'object' },
};

export function openAPIV3SchemaOf(resource: ResourceDefinition): JSONSchemaProps {
  const { spec, status } = resource.schema.shape;
  const description = z.globalRegistry.get(resource.schema)?.description;
  return {
    ...(description ? { description } : {}),
    type: 'object',
    properties: {
      ...TYPE_META_AND_METADATA,
      spec: toOpenAPIV3Schema(spec),
      status: toOpenAPIV3Schema(status),
    },
    required: ['spec'],
  };
}

export function crdName(resource: ResourceDefinition): string {
  return `${resource.plural}.${GROUP}`;
}

export function buildCrd(resource: ResourceDefinition): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: crdName(resource) },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        kind: resource.kind,
        listKind: `${resource.kind}List`,
        plural: resource.plural,
        singular: resource.singular,
        shortNames: resource.shortNames,
        categories: CATEGORIES,
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: openAPIV3SchemaOf(resource) },
          subresources: { status: {} },
          additionalPrinterColumns: resource.printerColumns,
        },
      ],
    },
  };
}

export function buildCrds(): CustomResourceDefinition[] {
  return RESOURCES.map(buildCrd);
}
