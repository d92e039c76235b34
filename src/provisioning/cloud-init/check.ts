// Checking a template before any node needs it: when a NodeGroup is created or changed, the
// controller can render its template with sample built-ins and report a broken template as a
// condition right away, instead of at the next scale-up. The samples are realistic (non-empty
// labels, taints and keys), so {{#if}}/{{#each}} branches over them are rendered and checked too.
import { type RenderedCloudInit, renderCloudInit } from './render';
import type { CloudInitTemplateSource } from './source';
import type { BuiltInVariables } from './variables';

export const SAMPLE_BUILT_IN_VARIABLES: BuiltInVariables = {
  ClusterEndpoint: '10.0.0.10:6443',
  JoinToken: 'abcdef.0123456789abcdef',
  CACertHash: 'sha256:8b1f2e4f6c1d3a5b7e9f0a2c4d6e8f1a3b5c7d9e0f2a4c6e8a1b3d5f7c9e1a3b',
  NodeName: 'workers-7f3k2',
  NodeGroupName: 'workers',
  DatacenterID: 'dc-fra1',
  OfferingID: 'plan-4c8g',
  KubernetesVersion: 'v1.34.4',
  // A real Ed25519 public key whose private half was discarded when it was generated.
  SSHAuthorizedKeys: [
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFW22sA9x9bCr27Ez/2n9QJfe9BaxdA0NvKsli96lt70 sample@vpsie-autoscaler',
  ],
  NodeLabels: { 'node-role.example.com/worker': 'true' },
  NodeTaints: [{ key: 'example.com/dedicated', value: 'workers', effect: 'NoSchedule' }],
};

/** Renders `source` with the sample built-ins; throws CloudInitTemplateError if it is broken. */
export function checkCloudInitTemplate(
  source: CloudInitTemplateSource,
  variables?: Readonly<Record<string, string>>,
): RenderedCloudInit {
  return renderCloudInit({ source, builtIns: SAMPLE_BUILT_IN_VARIABLES, variables });
}
