// The message of a drain that ran out of time: which pods are still there and why, bounded in
// length because it ends up in workflow history, events and the NodeGroup status.
const MAX_PODS_NAMED = 10;

export interface StuckPod {
  key: string;
  /** The API server's last refusal, for pods not evicted. */
  refusal?: string;
  /** `namespace/name` of the PodDisruptionBudgets covering the pod. */
  pdbs?: string[];
}

function describe(pod: StuckPod): string {
  const why: string[] = [];
  if (pod.pdbs && pod.pdbs.length > 0) {
    const noun = pod.pdbs.length > 1 ? 'PodDisruptionBudgets' : 'PodDisruptionBudget';
    why.push(`blocked by ${noun} ${pod.pdbs.join(', ')}`);
  }
  if (pod.refusal) why.push(pod.refusal);
  return why.length > 0 ? `${pod.key} (${why.join(': ')})` : pod.key;
}

function list(pods: readonly StuckPod[]): string {
  const named = pods.slice(0, MAX_PODS_NAMED).map(describe).join(', ');
  const more = pods.length - MAX_PODS_NAMED;
  return more > 0 ? `${named} and ${more} more` : named;
}

const pods = (n: number) => `${n} pod${n === 1 ? '' : 's'}`;

export function drainTimeoutMessage(input: {
  nodeName: string;
  timeoutSeconds: number;
  /** Pods the Eviction API kept refusing. */
  notEvicted: readonly StuckPod[];
  /** Pods evicted but still present (terminating). */
  stillTerminating: readonly StuckPod[];
}): string {
  const parts: string[] = [];
  if (input.notEvicted.length > 0) {
    parts.push(`${pods(input.notEvicted.length)} not evicted: ${list(input.notEvicted)}`);
  }
  if (input.stillTerminating.length > 0) {
    parts.push(
      `${pods(input.stillTerminating.length)} evicted but still terminating: ${list(input.stillTerminating)}`,
    );
  }
  return `drain of node ${input.nodeName} did not finish within ${input.timeoutSeconds}s: ${parts.join('; ')}`;
}
