// Building blocks shared by NodeGroup and VPSieNode: Kubernetes name formats, VPSie identifiers,
// timestamps, conditions and object metadata. Every pattern here is RE2-compatible (no
// lookaround), because the API server evaluates OpenAPI patterns and CEL `matches` with Go's RE2.
import { z } from 'zod';

/** A DNS-1123 label: object names such as a node's hostname. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1123 subdomain: names of ConfigMaps, Secrets, Nodes, NodeGroups. */
export const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A ConfigMap/Secret data key: [-._a-zA-Z0-9]+ except "." and "..". */
export const CONFIG_MAP_KEY = /^(\.?[-_A-Za-z0-9][-._A-Za-z0-9]*|\.\.[-._A-Za-z0-9]+)$/;
/** A label or taint key: optional DNS subdomain prefix and "/", then a name of at most 63. */
export const QUALIFIED_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A label value (may be empty). */
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** A template variable name: what Handlebars can reference as {{name}} without quoting. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** VPSie identifiers (UUIDs or numeric ids): safe to put in an API path. */
export const VPSIE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** `v` + semantic version 2.0.0, e.g. v1.34.4 or v1.35.0-rc.1. */
export const KUBERNETES_VERSION =
  /^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-((0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?(\+([0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*))?$/;
/** metav1.Condition type and reason formats. */
export const CONDITION_TYPE =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/;
export const CONDITION_REASON = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;
/** A non-negative resource quantity without exponent: 500m, 2, 1.5, 512Mi, 10G. */
export const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

export const dns1123Subdomain = (what: string) =>
  z
    .string()
    .min(1)
    .max(253)
    .regex(DNS1123_SUBDOMAIN, { message: `${what} must be a DNS-1123 subdomain` });

export const dns1123Label = (what: string) =>
  z
    .string()
    .min(1)
    .max(63)
    .regex(DNS1123_LABEL, { message: `${what} must be a DNS-1123 label` });

export const configMapKey = (what: string) =>
  z
    .string()
    .min(1)
    .max(253)
    .regex(CONFIG_MAP_KEY, { message: `${what} must be a valid ConfigMap/Secret key` });

export const vpsieId = (what: string) =>
  z
    .string()
    .min(1)
    .max(128)
    .regex(VPSIE_ID, { message: `${what} must be a VPSie identifier (letters, digits, . _ -)` });

export const kubernetesVersion = z.string().max(64).regex(KUBERNETES_VERSION, {
  message: 'kubernetesVersion must be "v" followed by a semantic version, e.g. v1.34.4',
});

/** An RFC 3339 time, as metav1.Time serialises (UTC `Z`; offsets accepted on input). */
export const quantity = (what: string) =>
  z
    .string()
    .max(32)
    .regex(QUANTITY, {
      message: `${what} must be a non-negative quantity such as 500m, 2, 512Mi or 10Gi`,
    });

export const timestamp = z.iso.datetime({ offset: true });

export const count = z.int().min(0);

export const conditionStatus = z.enum(['True', 'False', 'Unknown']);

/** metav1.Condition, field for field, with the same validation as upstream. */
export const Condition = z.object({
  type: z
    .string()
    .max(316)
    .regex(CONDITION_TYPE)
    .describe('Type of condition in CamelCase, e.g. Ready.'),
  status: conditionStatus.describe('Status of the condition: True, False or Unknown.'),
  observedGeneration: count
    .optional()
    .describe('The .metadata.generation that the condition was set based upon.'),
  lastTransitionTime: timestamp.describe('When the condition last changed status.'),
  reason: z
    .string()
    .min(1)
    .max(1024)
    .regex(CONDITION_REASON)
    .describe("Machine-readable CamelCase reason for the condition's last transition."),
  message: z.string().max(32768).describe('Human-readable details about the transition.'),
});
export type Condition = z.infer<typeof Condition>;

/** A list of conditions, at most one per type (a list-map keyed by type, as upstream). */
export const Conditions = z
  .array(Condition)
  .max(32)
  .superRefine((conditions, ctx) => {
    const seen = new Set<string>();
    conditions.forEach((condition, index) => {
      if (seen.has(condition.type)) {
        ctx.addIssue({
          code: 'custom',
          message: `duplicate condition type "${condition.type}"`,
          path: [index, 'type'],
        });
      }
      seen.add(condition.type);
    });
  })
  .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });

/**
 * The metadata fields our code reads. Loose, so an object read from the API server keeps every
 * other field (managedFields, ownerReferences, ...) when it is parsed and written back. The CRD
 * schema of metadata is the API server's own, so this one is never converted to OpenAPI.
 */
export const ObjectMeta = z.looseObject({
  name: z.string().optional(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.int().optional(),
  creationTimestamp: timestamp.optional(),
  deletionTimestamp: timestamp.optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  finalizers: z.array(z.string()).optional(),
});
export type ObjectMeta = z.infer<typeof ObjectMeta>;
