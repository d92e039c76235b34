// Cordoning keeps new pods off a node we are about to drain; uncordoning gives the node back
// after a failed drain, undoing only what we added (see node-marks.ts).
import type { DrainDeps } from './deps';
import { cordonPatch, uncordonPatch } from './node-marks';
import { patchNodeFromCurrent } from './node-patch';
import type { ScaleDownTarget } from './types';

export function cordonNodeActivity(deps: DrainDeps) {
  return async function cordonNode(target: ScaleDownTarget): Promise<void> {
    const patched = await patchNodeFromCurrent(deps.kube.core, target.nodeName, (node) =>
      cordonPatch(node, Date.now()),
    );
    // A node that is already gone has nothing to drain; the later steps cope with its absence.
    if (!patched) deps.logger.info('node to cordon not found', { node: target.nodeName });
  };
}

export function uncordonNodeActivity(deps: DrainDeps) {
  return async function uncordonNode(target: ScaleDownTarget): Promise<void> {
    const patched = await patchNodeFromCurrent(deps.kube.core, target.nodeName, uncordonPatch);
    if (patched) deps.logger.info('node uncordoned', { node: target.nodeName });
  };
}
