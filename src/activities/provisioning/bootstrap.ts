// One bootstrap token per node: created before rendering cloud-init, deleted once the node has
// joined or provisioning failed; its TTL bounds the damage if we never get to delete it.
import { LABELS } from '../../apis/v1alpha1';
import { createBootstrapToken } from '../../kube/bootstrap-tokens';
import { noteAttempt } from './attempts';
import type { ProvisioningDeps } from './deps';
import type { VpsieNodeRef } from './types';

export function createBootstrapTokenActivity(deps: ProvisioningDeps) {
  return async function createBootstrapTokenForNode(
    ref: VpsieNodeRef,
    attempt: number,
  ): Promise<{ tokenId: string }> {
    noteAttempt(deps, 'createBootstrapToken', attempt);
    const { tokenId } = await createBootstrapToken(deps.kube.core, {
      ttlSeconds: deps.bootstrapTokenTtlSeconds,
      description: `vpsie-autoscaler join token for ${ref.namespace}/${ref.name}`,
      labels: { [LABELS.vpsieNode]: ref.name },
    });
    return { tokenId };
  };
}
