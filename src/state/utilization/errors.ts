// Two kinds of bad input, kept apart because callers react differently: a rejected sample is a
// bug or a clock problem in the sampler, while Kubernetes data that yields no sample (a node
// without allocatable memory, a malformed quantity) is skipped for that node and reported.

/** A sample the store refuses: a value that is not a finite number ≥ 0, or a timestamp that goes back. */
export class InvalidSampleError extends Error {
  override readonly name = 'InvalidSampleError';
  constructor(
    /** What was wrong, without the node: the store adds the node name in front. */
    readonly detail: string,
    readonly nodeName?: string,
  ) {
    super(nodeName === undefined ? detail : `node ${nodeName}: ${detail}`);
  }
}

/** Kubernetes objects from which no utilisation sample can be computed. */
export class SampleInputError extends Error {
  override readonly name = 'SampleInputError';
}
