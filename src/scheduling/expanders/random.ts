// Cluster Autoscaler's random expander: one option, drawn with the caller's random source (the
// planner itself stays deterministic for a deterministic source).
import type { Expander } from './expander';

export const random: Expander = (options, { random: draw }) => {
  if (options.length <= 1) return [...options];
  const index = Math.min(options.length - 1, Math.max(0, Math.floor(draw() * options.length)));
  return [options[index]!];
};
