// Cluster Autoscaler's least-waste: the option leaving the smallest share of its new nodes' CPU
// and memory unrequested. Score = idle CPU fraction + idle memory fraction (as CA sums them),
// over the pending pods placed; lower wins.
import { type Expander, type ExpansionOption, keepLowest } from './expander';

function idle(available: number, requested: number): number {
  return available > 0 ? (available - requested) / available : 0;
}

export function wasteScore(option: ExpansionOption): number {
  const { allocatable, requested } = option;
  return idle(allocatable.cpu, requested.cpu) + idle(allocatable.memory, requested.memory);
}

export const leastWaste: Expander = (options) => keepLowest(options, wasteScore);
