// autoscaler.vpsie.com/v1alpha1: the zod schemas are the single source of truth for the
// TypeScript types, for runtime validation and for the CRDs in crds/ (scripts/build/generate-crds.ts).
export * from './groupversion';
export * from './labels';
export * from './common';
export * from './maintenance-window';
export * from './scaling-policies';
export * from './node-bootstrap';
export * from './nodegroup';
export * from './vpsienode';
export * from './examples';
