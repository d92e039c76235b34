// What the simulator records on a VM about its boot, so tests and the demo can assert what a
// real VM would have got and done: the SSH keys it received, and how its cluster join went.

import type { SimSshKey } from '../catalogue';
import type { UserDataReading } from './join-plan';

export type VmJoinRecord =
  /** Booted; the simulated kubeadm/kubelet is working on it. */
  | { state: 'joining'; since: number }
  | {
      state: 'joined';
      nodeName: string;
      at: number;
      /** The Node already existed (a re-registration, or our own earlier attempt). */
      adopted: boolean;
      /** Set when the VM is deleted and its Node stops getting heartbeats. */
      heartbeatStoppedAt?: number;
    }
  /** kubeadm ran and failed, or the kubelet would not start: the VM never joins. */
  | { state: 'failed'; reason: string; at: number }
  /** Nothing tried to join (no join instruction in the user-data, or a never-join fault). */
  | { state: 'not-attempted'; reason: string; at: number };

export interface VmReceived {
  /** Account keys the API installed: the key given at create, then those attached before boot. */
  apiSshKeyIds: string[];
  /** Their public key lines (ids the account no longer knows are left out). */
  apiSshPublicKeys: string[];
  /** Every public key line cloud-init installs, in order, once each. */
  cloudInitAuthorizedKeys: string[];
  /** The same keys by account; `default` is the image's default user. */
  cloudInitAuthorizedKeysByUser: Record<string, string[]>;
  /** Why cloud-init would ignore (part of) the user-data, when it would. */
  userDataProblem?: string;
}

/** The keys a VM has once it has booted with `reading` as its user-data. */
export function receivedAtBoot(
  vm: { sshKeyIdentifier?: string; attachedSshKeyIds: string[] },
  reading: UserDataReading,
  accountKeys: readonly SimSshKey[],
): VmReceived {
  const apiSshKeyIds = [
    ...(vm.sshKeyIdentifier === undefined ? [] : [vm.sshKeyIdentifier]),
    ...vm.attachedSshKeyIds,
  ];
  const byUser: Record<string, string[]> = {};
  for (const { user, key } of reading.authorizedKeys) {
    const keys = (byUser[user] ??= []);
    if (!keys.includes(key)) keys.push(key);
  }
  return {
    apiSshKeyIds,
    apiSshPublicKeys: apiSshKeyIds.flatMap((id) => {
      const key = accountKeys.find((k) => k.identifier === id);
      return key ? [key.publicKey] : [];
    }),
    cloudInitAuthorizedKeys: [...new Set(reading.authorizedKeys.map((k) => k.key))],
    cloudInitAuthorizedKeysByUser: byUser,
    ...(reading.problem === undefined ? {} : { userDataProblem: reading.problem }),
  };
}
