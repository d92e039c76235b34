// Cluster Autoscaler's priority expander, with the rank on the NodeGroup itself
// (spec.scaleUpPolicy.priority): the highest wins.
import { type Expander, keepHighest } from './expander';

export const priority: Expander = (options) => keepHighest(options, (o) => o.group.priority);
