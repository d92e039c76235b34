// What a variable path ({{a.b}}, {{this}}, {{../x}}, {{@index}}, {{item.key}}) refers to, given
// the scopes Handlebars would have at that point: each/with change `this`, block parameters are
// lexically scoped, @data comes from the nearest #each. Unknown names fail with their position.
import { didYouMean } from '../../config/suggest';
import { failAt } from './ast';
import type { ValueShape } from './variables';

type Path = hbs.AST.PathExpression;

export interface Scope {
  /** What `this` is. */
  context: ValueShape;
  /** Block parameters (`as |item index|`) introduced here. */
  locals: Map<string, ValueShape>;
  /** @index, @key, @first, @last inside #each. */
  data: Map<string, ValueShape>;
}

export const UNKNOWN: ValueShape = { kind: 'unknown' };

export function describeShape(shape: ValueShape): string {
  switch (shape.kind) {
    case 'string':
      return 'text';
    case 'number':
    case 'boolean':
      return `a ${shape.kind}`;
    case 'list':
      return 'a list';
    default:
      return 'a map';
  }
}

export class PathResolver {
  constructor(private readonly root: ValueShape & { kind: 'record' }) {}

  /** The top-level scope. */
  rootScope(): Scope {
    return { context: this.root, locals: new Map(), data: new Map() };
  }

  resolve(path: Path, scopes: readonly Scope[]): ValueShape {
    if (path.data) return this.resolveData(path, scopes);
    const scope = scopes[scopes.length - 1 - path.depth];
    if (!scope) {
      failAt(
        'unknown_variable',
        path,
        `${path.original} goes above the top-level context`,
        path.original,
      );
    }
    const [head, ...rest] = path.parts;
    if (head === undefined) return scope.context;
    // Block parameters are lexically scoped and win over the context, unless the path says
    // `this.x` / `./x` (Handlebars' own rule).
    const explicitThis = /^(this|\.)[./]/.test(path.original);
    if (path.depth === 0 && !explicitThis) {
      const local = [...scopes].reverse().find((s) => s.locals.has(head));
      if (local) return this.walk(local.locals.get(head)!, rest, path, head);
    }
    return this.walk(scope.context, path.parts, path, '');
  }

  private resolveData(path: Path, scopes: readonly Scope[]): ValueShape {
    const [head = '', ...rest] = path.parts;
    if (head === 'root') return this.walk(this.root, rest, path, '@root');
    const scope = [...scopes].reverse().find((s) => s.data.has(head));
    if (!scope)
      failAt('unknown_variable', path, `@${head} is only defined inside {{#each}}`, `@${head}`);
    return this.walk(scope.data.get(head)!, rest, path, `@${head}`);
  }

  private walk(start: ValueShape, parts: string[], path: Path, prefix: string): ValueShape {
    let shape = start;
    let walked = prefix;
    for (const part of parts) {
      shape = this.field(shape, part, walked, path);
      walked = walked === '' ? part : `${walked}.${part}`;
    }
    return shape;
  }

  private field(shape: ValueShape, name: string, parent: string, path: Path): ValueShape {
    switch (shape.kind) {
      case 'record': {
        const field = shape.fields.get(name);
        if (field) return field;
        if (shape === this.root) {
          const known = [...this.root.fields.keys()];
          failAt(
            'unknown_variable',
            path,
            `unknown variable "${name}"${didYouMean(name, known)}; the variables are ${known.join(', ')}`,
            name,
          );
        }
        const fields = [...shape.fields.keys()].join(', ');
        return failAt(
          'unknown_variable',
          path,
          `${parent} has no field "${name}" (it has ${fields})`,
          path.original,
        );
      }
      case 'map':
        return shape.value;
      case 'list':
        if (/^\d+$/.test(name)) return shape.item;
        if (name === 'length') return { kind: 'number' };
        return failAt(
          'unknown_variable',
          path,
          `${parent} is a list; "${name}" is not an index`,
          path.original,
        );
      case 'unknown':
        return UNKNOWN;
      default: {
        const hint =
          parent === ''
            ? '; inside {{#each}} or {{#with}}, reach outer variables as @root.name or ../name'
            : '';
        return failAt(
          'unknown_variable',
          path,
          `${parent || 'this'} is ${describeShape(shape)} and has no field "${name}"${hint}`,
          path.original,
        );
      }
    }
  }
}
