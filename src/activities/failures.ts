// Turning adapter errors into Temporal failures: permanent ones become non-retryable with a
// stable type the workflow maps to a failure reason; everything else stays retryable.
import { ApplicationFailure } from '@temporalio/common';
import { VpsieError, VpsiePermanentError } from '../vpsie';
import { FailureTypes } from './provisioning/types';

export function permanent(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type);
}

/** VPSie errors that retrying cannot fix become non-retryable; quota gets its own type. */
export function fromVpsieError(err: unknown): unknown {
  if (err instanceof VpsiePermanentError && err.reason === 'quota') {
    return permanent(FailureTypes.quota, err.message);
  }
  if (err instanceof VpsieError && !err.retryable) {
    return permanent(FailureTypes.vpsieApi, err.message);
  }
  return err;
}
