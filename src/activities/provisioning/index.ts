// The provisioning activities, bound to their dependencies; the worker registers this object.
import type { ProvisioningDeps } from './deps';
import type { ProvisioningActivities } from './types';
import { createBootstrapTokenActivity } from './bootstrap';
import { applyNodeMetadataActivity, waitForNodeReadyActivity } from './node';
import {
  cleanupFailedProvisioningActivity,
  finishProvisioningActivity,
  reportProvisioningFailureActivity,
} from './outcome';
import { resolveProvisioningPlanActivity } from './plan';
import { collectSshKeysActivity } from './ssh-keys';
import { updateVpsieNodeStatusActivity } from './status';
import { renderUserDataActivity } from './user-data';
import { createVmActivity, waitForVmRunningActivity } from './vm';

export type { ProvisioningDeps } from './deps';

export function createProvisioningActivities(deps: ProvisioningDeps): ProvisioningActivities {
  return {
    resolveProvisioningPlan: resolveProvisioningPlanActivity(deps),
    updateVpsieNodeStatus: updateVpsieNodeStatusActivity(deps),
    createBootstrapToken: createBootstrapTokenActivity(deps),
    collectSshKeys: collectSshKeysActivity(deps),
    renderUserData: renderUserDataActivity(deps),
    createVm: createVmActivity(deps),
    waitForVmRunning: waitForVmRunningActivity(deps),
    waitForNodeReady: waitForNodeReadyActivity(deps),
    applyNodeMetadata: applyNodeMetadataActivity(deps),
    cleanupFailedProvisioning: cleanupFailedProvisioningActivity(deps),
    reportProvisioningFailure: reportProvisioningFailureActivity(deps),
    finishProvisioning: finishProvisioningActivity(deps),
  };
}
