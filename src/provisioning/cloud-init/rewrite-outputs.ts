// Rewriting each output {{...}} of a checked template into `{{cloudInitEmit <expression> site=n}}`,
// so every printed value goes through the encoder of escape.ts and nothing is printed raw.
import { EMIT_HELPER, EMIT_SITE_ARGUMENT } from './helpers';

export interface OutputMustache {
  mustache: hbs.AST.MustacheStatement;
  /** `{{helper args}}` (becomes a sub-expression) rather than a plain `{{path}}`. */
  helperCall: boolean;
}

/** Rewrites `outputs` in place; output i carries site=i. */
export function rewriteOutputs(outputs: readonly OutputMustache[]): void {
  outputs.forEach(({ mustache, helperCall }, index) => {
    const loc = mustache.loc;
    const value: hbs.AST.Expression = helperCall
      ? ({
          type: 'SubExpression',
          path: mustache.path,
          params: mustache.params,
          hash: mustache.hash,
          loc,
        } as hbs.AST.SubExpression)
      : (mustache.path as hbs.AST.Expression);
    const site: hbs.AST.NumberLiteral = {
      type: 'NumberLiteral',
      value: index,
      original: index,
      loc,
    };
    mustache.path = {
      type: 'PathExpression',
      data: false,
      depth: 0,
      parts: [EMIT_HELPER],
      original: EMIT_HELPER,
      loc,
    };
    mustache.params = [value];
    mustache.hash = {
      type: 'Hash',
      pairs: [{ type: 'HashPair', key: EMIT_SITE_ARGUMENT, value: site, loc }],
      loc,
    };
  });
}
