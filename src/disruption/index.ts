// Scale-down decisions (Karpenter calls this "disruption"): which nodes to remove and whether
// removing one is safe. Pure functions over plain Kubernetes objects: no I/O, no clock, no
// randomness, so the controller, activities and workflows can all call them.
export * from './candidates';
export * from './safety/index';
export { simulateRescheduling } from './simulation/reschedule';
export type { ReschedulingResult, UnplacedPod } from './simulation/reschedule';
