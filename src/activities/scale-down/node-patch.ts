// Read-modify-write of a Node: read it, compute a merge patch from what was read, apply it, and
// start over when someone else changed the node in between (409). A missing node is left alone.
import type * as k8s from '@kubernetes/client-node';
import { isConflict, isNotFound, mergePatch } from '../../kube/clients';

// Node status heartbeats do not touch the fields we patch, but the node lifecycle controller
// and other tools write taints; a few rounds are plenty to get between them.
const MAX_CONFLICT_ROUNDS = 5;

export async function readNodeIfExists(
  core: k8s.CoreV1Api,
  name: string,
): Promise<k8s.V1Node | undefined> {
  return core.readNode({ name }).catch((err: unknown) => {
    if (isNotFound(err)) return undefined;
    throw err;
  });
}

/** True when a patch was applied; false when the node is missing or `makePatch` had nothing. */
export async function patchNodeFromCurrent(
  core: k8s.CoreV1Api,
  name: string,
  makePatch: (node: k8s.V1Node) => object | undefined,
): Promise<boolean> {
  for (let round = 1; ; round++) {
    const node = await readNodeIfExists(core, name);
    if (!node) return false;
    const body = makePatch(node);
    if (!body) return false;
    try {
      await core.patchNode({ name, body }, mergePatch);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      if (isConflict(err) && round < MAX_CONFLICT_ROUNDS) continue;
      throw err;
    }
  }
}
