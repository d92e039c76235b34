// Collecting a node's SSH keys from every source: merged and validated by the pure module, key
// ids resolved to public keys through the VPSie API so cloud-init carries them too. Missing
// Secrets or keys never block provisioning: they become a NodeGroup condition and an event.
import type * as k8s from '@kubernetes/client-node';
import { API_VERSION } from '../../apis/v1alpha1';
import { isNotFound } from '../../kube/clients';
import { readNodeGroup, readVpsieNode, patchNodeGroupStatus } from '../../kube/custom-resources';
import { emitEvent } from '../../kube/events';
import { mergeSshKeys, parsePublicKey, secretSshKeys } from '../../provisioning/ssh-keys';
import { noteAttempt } from './attempts';
import type { ProvisioningDeps } from './deps';
import type { SshKeySelection, VpsieNodeRef } from './types';

async function readSecret(core: k8s.CoreV1Api, namespace: string, name: string) {
  try {
    return await core.readNamespacedSecret({ name, namespace });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function collectSshKeysActivity(deps: ProvisioningDeps) {
  return async function collectSshKeys(
    ref: VpsieNodeRef,
    attempt: number,
  ): Promise<SshKeySelection> {
    noteAttempt(deps, 'collectSshKeys', attempt);
    const node = await readVpsieNode(deps.kube.custom, ref.namespace, ref.name);
    const group = await readNodeGroup(deps.kube.custom, ref.namespace, node.spec.nodeGroupName);
    const secretRef = group.spec.sshKeySecretRef;
    const secret = secretRef
      ? await readSecret(deps.kube.core, ref.namespace, secretRef.name)
      : undefined;
    const merged = mergeSshKeys({
      defaultKeyIds: deps.defaultSshKeyIds,
      nodeGroup: { sshKeyIds: group.spec.sshKeyIds, sshPublicKeys: group.spec.sshPublicKeys },
      secretKeys: secretRef ? secretSshKeys(secretRef, secret) : undefined,
    });

    // Public keys behind the ids go into cloud-init too, so they work even where the API's
    // key attachment does not reach the image's user.
    const publicKeys = [...merged.publicKeys];
    const fingerprint = (line: string) => {
      const parsed = parsePublicKey(line);
      return parsed.ok ? parsed.key.fingerprint : undefined;
    };
    const seen = new Set(publicKeys.map(fingerprint));
    for (const id of merged.keyIds) {
      const key = await deps.vpsie.getSshKey(id);
      const parsed = parsePublicKey(key.publicKey);
      if (!parsed.ok) {
        merged.rejected.push({ source: `VPSie SSH key ${id}`, reason: parsed.reason });
      } else if (!seen.has(parsed.key.fingerprint)) {
        seen.add(parsed.key.fingerprint);
        const { type, base64, comment } = parsed.key;
        publicKeys.push(comment ? `${type} ${base64} ${comment}` : `${type} ${base64}`);
      }
    }

    const warnings = [
      ...merged.warnings.map((w) => w.message),
      ...merged.rejected.map((r) => `${r.source}: ${r.reason}`),
    ];
    await reportSshKeyCondition(
      deps,
      ref.namespace,
      node.spec.nodeGroupName,
      group.metadata.uid,
      warnings,
    );
    return { keyIds: merged.keyIds, publicKeys, warnings };
  };
}

async function reportSshKeyCondition(
  deps: ProvisioningDeps,
  namespace: string,
  name: string,
  uid: string | undefined,
  warnings: string[],
): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const problem = warnings.length > 0;
  const condition = {
    type: 'SSHKeysResolved',
    status: problem ? 'False' : 'True',
    reason: problem ? 'SSHKeysMissingOrInvalid' : 'AllKeysResolved',
    message: problem ? warnings.join('; ').slice(0, 1024) : 'All SSH keys were found and valid',
    lastTransitionTime: now,
  };
  const group = await readNodeGroup(deps.kube.custom, namespace, name);
  const others = (group.status?.conditions ?? []).filter((c) => c.type !== condition.type);
  await patchNodeGroupStatus(deps.kube.custom, namespace, name, {
    conditions: [...others, condition],
  });
  if (problem) {
    await emitEvent(
      deps.kube.events,
      { apiVersion: API_VERSION, kind: 'NodeGroup', namespace, name, uid },
      {
        type: 'Warning',
        reason: 'SSHKeysMissingOrInvalid',
        action: 'Provision',
        note: condition.message,
      },
    );
  }
}
