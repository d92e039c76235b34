// Required node affinity: terms ORed, expressions ANDed, all operators including Gt/Lt and
// matchFields on metadata.name (src/disruption/selectors.ts has the API's semantics). Nodes of a
// template are matched by the template's placeholder name: nobody can name a node that does not
// exist yet, so a term pinning metadata.name or the hostname never matches a new node anyway.
import type { V1NodeSelectorRequirement, V1NodeSelectorTerm } from '@kubernetes/client-node';
import { nodeSelectorTermsMatch } from '../../disruption/selectors';
import type { Predicate } from './predicate';

function describeRequirement(req: V1NodeSelectorRequirement): string {
  const values = req.values?.length ? ` (${req.values.join(', ')})` : '';
  return `${req.key} ${req.operator}${values}`;
}

function describeTerm(term: V1NodeSelectorTerm): string {
  const parts = [...(term.matchExpressions ?? []), ...(term.matchFields ?? [])].map(
    describeRequirement,
  );
  return parts.length === 0 ? '<empty term>' : parts.join(', ');
}

export const nodeAffinity: Predicate = {
  static: true,
  fits: (cls, node) =>
    cls.requiredNodeTerms === undefined || nodeSelectorTermsMatch(cls.requiredNodeTerms, node.node),
  explain(cls) {
    const terms = (cls.requiredNodeTerms ?? []).map(describeTerm);
    return {
      predicate: 'node_affinity',
      constraint: 'node_affinity',
      reason: `required node affinity ${terms.map((t) => `[${t}]`).join(' or ')} does not match the group's labels`,
    };
  },
};
