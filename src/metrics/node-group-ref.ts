// Most families are per node group: {nodegroup, namespace} of the NodeGroup object.
import { labelValue } from './metric-input-error';

export interface NodeGroupRef {
  /** metadata.name of the NodeGroup. */
  nodeGroup: string;
  /** metadata.namespace of the NodeGroup. */
  namespace: string;
}

export function nodeGroupLabels(ref: NodeGroupRef): { nodegroup: string; namespace: string } {
  return {
    nodegroup: labelValue('nodeGroup', ref.nodeGroup),
    namespace: labelValue('namespace', ref.namespace),
  };
}
