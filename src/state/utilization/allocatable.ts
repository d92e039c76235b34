// The denominator of every utilisation ratio. A node that reports no (or zero) allocatable CPU or
// memory cannot be judged; Cluster Autoscaler errors out for it too, and so do we rather than
// divide by zero and call the node empty.

import { QuantityError, parseQuantity } from '../quantity';
import { SampleInputError } from './errors';
import type { ResourceList } from './kubernetes-shapes';
import type { SampledResource } from './pod-requests';

/** The node's allocatable `resource` (cores or bytes), > 0; throws SampleInputError otherwise. */
export function allocatableOf(
  nodeAllocatable: ResourceList | undefined,
  resource: SampledResource,
): number {
  const written = nodeAllocatable?.[resource];
  if (written === undefined) {
    throw new SampleInputError(`node allocatable has no ${resource}`);
  }
  let value: number;
  try {
    value = parseQuantity(written);
  } catch (error) {
    if (error instanceof QuantityError) {
      throw new SampleInputError(`node allocatable ${resource}: ${error.message}`);
    }
    throw error;
  }
  if (!(value > 0)) {
    throw new SampleInputError(`node allocatable ${resource} is ${written}; it must be > 0`);
  }
  return value;
}
