// Static checks on a parsed template, before any value is rendered:
// - only our helpers (helpers.ts) and Handlebars' if/unless/each/with/lookup may be called;
// - partials, decorators, named arguments and raw output ({{{x}}}, {{& x}}) are refused, the
//   last because it would bypass the encoder;
// - every variable path resolves against the known variables (built-ins + cloudInitVariables),
//   following each/with scopes, block parameters, ../ and @data, so a typo is reported with its
//   line and column instead of rendering an empty string (path-resolver.ts).
// Then every output {{...}} is rewritten into a call of the emit helper, which encodes the value
// for the document (rewrite-outputs.ts, escape.ts). Handlebars' strict mode stays on as a second
// line of defence.
import { didYouMean } from '../../config/suggest';
import { type Node, endOf, failAt, isSimple, positionOf, sourceText } from './ast';
import type { TemplatePosition } from './errors';
import { BLOCK_HELPERS, VALUE_HELPERS } from './helpers';
import type { TemplateProgram } from './parse';
import { PathResolver, type Scope, UNKNOWN, describeShape } from './path-resolver';
import { type OutputMustache, rewriteOutputs } from './rewrite-outputs';
import type { ValueShape } from './variables';

type Expression = hbs.AST.Expression;
type Mustache = hbs.AST.MustacheStatement;

/** A place where the template prints a value. */
export interface OutputSite {
  /** Index passed to the emitter. */
  index: number;
  /** The {{...}} as written in the template. */
  expression: string;
  position: TemplatePosition;
  end: TemplatePosition;
}

const TEXT: ValueShape = { kind: 'string' };

class TemplateChecker {
  readonly sites: OutputSite[] = [];
  readonly outputs: OutputMustache[] = [];
  private readonly paths: PathResolver;

  constructor(
    private readonly source: string,
    root: ValueShape & { kind: 'record' },
  ) {
    this.paths = new PathResolver(root);
  }

  check(program: TemplateProgram): void {
    this.program(program, [this.paths.rootScope()]);
  }

  private fail(
    kind: 'unsupported_syntax' | 'unknown_helper' | 'invalid_variable',
    node: Node,
    detail: string,
    reference?: string,
  ): never {
    return failAt(kind, node, detail, reference);
  }

  private program(program: hbs.AST.Program | undefined, scopes: Scope[]): void {
    for (const statement of program?.body ?? []) this.statement(statement, scopes);
  }

  private statement(statement: hbs.AST.Statement, scopes: Scope[]): void {
    switch (statement.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      case 'MustacheStatement':
        return this.mustache(statement as Mustache, scopes);
      case 'BlockStatement':
        return this.block(statement as hbs.AST.BlockStatement, scopes);
      case 'PartialStatement':
      case 'PartialBlockStatement':
        return this.fail(
          'unsupported_syntax',
          statement,
          `partials ({{> name}}) are not supported: ${this.text(statement)}`,
        );
      default:
        return this.fail(
          'unsupported_syntax',
          statement,
          `${this.text(statement)} is not supported (decorators are not)`,
        );
    }
  }

  private text(node: Node): string {
    return sourceText(this.source, node);
  }

  private noNamedArguments(node: Node & { hash?: hbs.AST.Hash }): void {
    if (node.hash && node.hash.pairs.length > 0) {
      this.fail(
        'unsupported_syntax',
        node,
        `named arguments (name=value) are not supported: ${this.text(node)}`,
      );
    }
  }

  private mustache(mustache: Mustache, scopes: Scope[]): void {
    if (!mustache.escaped) {
      this.fail(
        'unsupported_syntax',
        mustache,
        `${this.text(mustache)} prints a value without escaping; write {{...}}, which quotes it for the document`,
      );
    }
    if (mustache.path.type !== 'PathExpression') {
      this.fail(
        'unsupported_syntax',
        mustache,
        `${this.text(mustache)} prints a literal; write the text itself`,
      );
    }
    this.noNamedArguments(mustache);
    const path = mustache.path as hbs.AST.PathExpression;
    const helperCall =
      mustache.params.length > 0 || (isSimple(path) && isHelperName(path.original));
    if (helperCall) this.helperCall(path, mustache.params, mustache, scopes);
    else this.resolve(path, scopes);
    this.outputs.push({ mustache, helperCall });
    this.sites.push({
      index: this.sites.length,
      expression: this.text(mustache),
      position: positionOf(mustache),
      end: endOf(mustache),
    });
  }

  private helperCall(
    path: hbs.AST.PathExpression,
    params: Expression[],
    node: Node,
    scopes: Scope[],
  ): ValueShape {
    const name = path.original;
    if (!isSimple(path) || !VALUE_HELPERS.has(name)) {
      if (isSimple(path) && BLOCK_HELPERS.has(name)) {
        this.fail(
          'unknown_helper',
          node,
          `${name} is a block helper: write {{#${name} ...}}...{{/${name}}}`,
          name,
        );
      }
      const known = [...VALUE_HELPERS].join(', ');
      this.fail(
        'unknown_helper',
        node,
        `unknown helper "${name}"${didYouMean(name, VALUE_HELPERS)}; the helpers are ${known}`,
        name,
      );
    }
    for (const param of params) this.expression(param, scopes);
    return name === 'lookup' ? UNKNOWN : TEXT;
  }

  private expression(expression: Expression, scopes: Scope[]): ValueShape {
    switch (expression.type) {
      case 'PathExpression':
        return this.resolve(expression as hbs.AST.PathExpression, scopes);
      case 'SubExpression': {
        const call = expression as hbs.AST.SubExpression;
        this.noNamedArguments(call);
        return this.helperCall(call.path as hbs.AST.PathExpression, call.params, call, scopes);
      }
      case 'StringLiteral':
        return TEXT;
      case 'NumberLiteral':
        return { kind: 'number' };
      case 'BooleanLiteral':
        return { kind: 'boolean' };
      default:
        return UNKNOWN;
    }
  }

  private block(block: hbs.AST.BlockStatement, scopes: Scope[]): void {
    const name = block.path.original;
    if (block.path.type !== 'PathExpression' || !isSimple(block.path) || !BLOCK_HELPERS.has(name)) {
      const hint = BLOCK_HELPERS.has(name)
        ? ''
        : `; to test or loop over a variable write {{#if ${name}}} or {{#each ${name}}}`;
      this.fail(
        'unknown_helper',
        block,
        `{{#${name}}} is not a block helper (the block helpers are if, unless, each, with)${hint}`,
        name,
      );
    }
    this.noNamedArguments(block);
    if (block.params.length !== 1) {
      this.fail('unsupported_syntax', block, `{{#${name}}} takes exactly one argument`);
    }
    const subject = this.expression(block.params[0]!, scopes);
    const blockParams = block.program?.blockParams ?? [];
    if (name === 'each') {
      const item = itemShape(subject);
      if (!item) {
        this.fail(
          'invalid_variable',
          block,
          `{{#each}} needs a list or a map, and ${this.text(block.params[0]!)} is ${describeShape(subject)}`,
          this.text(block.params[0]!),
        );
      }
      const key: ValueShape = subject.kind === 'list' ? { kind: 'number' } : TEXT;
      const data = new Map<string, ValueShape>([
        ['index', { kind: 'number' }],
        ['key', key],
        ['first', { kind: 'boolean' }],
        ['last', { kind: 'boolean' }],
      ]);
      const locals = new Map<string, ValueShape>();
      if (blockParams[0] !== undefined) locals.set(blockParams[0], item);
      if (blockParams[1] !== undefined) locals.set(blockParams[1], key);
      this.program(block.program, [...scopes, { context: item, locals, data }]);
    } else if (name === 'with') {
      const locals = new Map<string, ValueShape>();
      if (blockParams[0] !== undefined) locals.set(blockParams[0], subject);
      this.program(block.program, [...scopes, { context: subject, locals, data: new Map() }]);
    } else {
      // if/unless do not change the context (Handlebars 4: ../ skips them).
      this.program(block.program, scopes);
    }
    this.program(block.inverse, scopes);
  }

  private resolve(path: hbs.AST.PathExpression, scopes: Scope[]): ValueShape {
    return this.paths.resolve(path, scopes);
  }
}

function isHelperName(name: string): boolean {
  return VALUE_HELPERS.has(name) || BLOCK_HELPERS.has(name);
}

function itemShape(shape: ValueShape): ValueShape | undefined {
  if (shape.kind === 'list') return shape.item;
  if (shape.kind === 'map') return shape.value;
  if (shape.kind === 'unknown') return UNKNOWN;
  return undefined;
}

/**
 * Checks `program` against the variables in `root`, then rewrites its outputs to go through the
 * emit helper. Returns the output sites in the order their emit calls carry.
 */
export function checkAndRewriteTemplate(
  program: TemplateProgram,
  source: string,
  root: ValueShape & { kind: 'record' },
): OutputSite[] {
  const checker = new TemplateChecker(source, root);
  checker.check(program);
  rewriteOutputs(checker.outputs);
  return checker.sites;
}
