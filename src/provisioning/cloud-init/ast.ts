// Small helpers over Handlebars' AST nodes: where a node is, what it says in the source, and
// throwing an error located at it.
import { type CloudInitErrorKind, CloudInitTemplateError, type TemplatePosition } from './errors';

export type Node = hbs.AST.Node;

/** 1-based line and column of the node's start (Handlebars columns are 0-based). */
export function positionOf(node: Node): TemplatePosition {
  return { line: node.loc.start.line, column: node.loc.start.column + 1 };
}

/** 1-based line and column just after the node. */
export function endOf(node: Node): TemplatePosition {
  return { line: node.loc.end.line, column: node.loc.end.column + 1 };
}

/** The node as written in the template. */
export function sourceText(source: string, node: Node): string {
  const lines = source.split('\n').slice(node.loc.start.line - 1, node.loc.end.line);
  if (lines.length === 0) return '';
  lines[lines.length - 1] = lines[lines.length - 1]!.slice(0, node.loc.end.column);
  lines[0] = lines[0]!.slice(node.loc.start.column);
  return lines.join('\n');
}

/** A bare name: not @data, not ../, not a.b. */
export function isSimple(path: hbs.AST.PathExpression): boolean {
  return (
    !path.data && path.depth === 0 && path.parts.length === 1 && path.original === path.parts[0]
  );
}

export function failAt(
  kind: CloudInitErrorKind,
  node: Node,
  detail: string,
  reference?: string,
): never {
  throw new CloudInitTemplateError(kind, detail, { reference, position: positionOf(node) });
}
