// Cluster Autoscaler's most-pods: the option that runs the most pending pods.
import { type Expander, keepHighest } from './expander';

export const mostPods: Expander = (options) => keepHighest(options, (o) => o.podCount);
