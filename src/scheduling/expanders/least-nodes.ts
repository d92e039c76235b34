// The option that needs the fewest new nodes (fewer VMs to boot, fewer things to fail).
import { type Expander, keepLowest } from './expander';

export const leastNodes: Expander = (options) => keepLowest(options, (o) => o.nodeCount);
