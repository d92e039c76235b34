// Two pods cannot bind the same host port and protocol on one node, unless they bind different
// specific addresses; an unset address (or 0.0.0.0) means every address and clashes with all.
import type { HostPort, PodClass } from '../pod-class';
import type { SimNode } from '../sim-node';
import type { Predicate } from './predicate';

function clash(a: HostPort, b: HostPort): boolean {
  return (
    a.port === b.port && a.protocol === b.protocol && (a.ip === '' || b.ip === '' || a.ip === b.ip)
  );
}

/** [wanted, used] for the first of the pod's host ports already bound on the node. */
function firstClash(cls: PodClass, node: SimNode): [HostPort, HostPort] | undefined {
  if (cls.hostPorts.length === 0 || node.ports.length === 0) return undefined;
  for (const wanted of cls.hostPorts) {
    const used = node.ports.find((p) => clash(wanted, p));
    if (used) return [wanted, used];
  }
  return undefined;
}

export const hostPorts: Predicate = {
  static: false,
  fits: (cls, node) => firstClash(cls, node) === undefined,
  explain(cls, node) {
    const [port, used] = firstClash(cls, node) ?? [];
    const where = port?.ip ? ` on ${port.ip}` : '';
    const by = used?.owner ? ` by ${used.owner}` : '';
    return {
      predicate: 'host_ports',
      constraint: 'other',
      reason: `host port ${port?.port}/${port?.protocol}${where} is already bound on the node${by}`,
    };
  },
};
