// Label selectors (PDBs, pod anti-affinity) and node selectors (nodeSelector, required node
// affinity, PV node affinity), with the API's semantics: a missing label selector selects
// nothing, an empty one selects everything; node selector terms are ORed, their requirements
// ANDed, and a term without requirements matches no node.
import type {
  V1LabelSelector,
  V1LabelSelectorRequirement,
  V1Node,
  V1NodeSelectorRequirement,
  V1NodeSelectorTerm,
} from '@kubernetes/client-node';
import { labelsOf } from './metadata';
import { nodeName } from './nodes';

type Labels = Readonly<Record<string, string>>;

function setRequirementMatches(
  operator: string,
  key: string,
  values: readonly string[],
  labels: Labels,
): boolean | undefined {
  const value = labels[key];
  switch (operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    default:
      return undefined;
  }
}

function labelRequirementMatches(req: V1LabelSelectorRequirement, labels: Labels): boolean {
  // An operator the API does not define cannot be satisfied.
  return setRequirementMatches(req.operator, req.key, req.values ?? [], labels) ?? false;
}

export function labelSelectorMatches(
  selector: V1LabelSelector | undefined,
  labels: Labels,
): boolean {
  if (selector === undefined || selector === null) return false;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    byLabel && (selector.matchExpressions ?? []).every((r) => labelRequirementMatches(r, labels))
  );
}

/** Gt/Lt compare integers; a value that is not one makes the requirement false, as in kube. */
function integerComparison(operator: 'Gt' | 'Lt', label: string | undefined, values: string[]) {
  const integer = /^[+-]?\d+$/;
  const [bound] = values;
  if (label === undefined || bound === undefined || values.length !== 1) return false;
  if (!integer.test(label) || !integer.test(bound)) return false;
  return operator === 'Gt' ? Number(label) > Number(bound) : Number(label) < Number(bound);
}

function nodeRequirementMatches(req: V1NodeSelectorRequirement, labels: Labels): boolean {
  const values = req.values ?? [];
  if (req.operator === 'Gt' || req.operator === 'Lt') {
    return integerComparison(req.operator, labels[req.key], values);
  }
  return setRequirementMatches(req.operator, req.key, values, labels) ?? false;
}

function termMatches(term: V1NodeSelectorTerm, node: V1Node): boolean {
  const expressions = term.matchExpressions ?? [];
  // matchFields supports only metadata.name in the API.
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = labelsOf(node);
  const nameAsLabels = { 'metadata.name': nodeName(node) };
  return (
    expressions.every((req) => nodeRequirementMatches(req, labels)) &&
    fields.every((req) => req.key === 'metadata.name' && nodeRequirementMatches(req, nameAsLabels))
  );
}

/** Whether any of the terms matches `node` (an empty list matches no node). */
export function nodeSelectorTermsMatch(
  terms: readonly V1NodeSelectorTerm[],
  node: V1Node,
): boolean {
  return terms.some((term) => termMatches(term, node));
}

/** A pod's plain nodeSelector: every key present with exactly that value. */
export function nodeSelectorMatches(selector: Labels | undefined, node: V1Node): boolean {
  const labels = labelsOf(node);
  return Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);
}
