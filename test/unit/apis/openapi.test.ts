// The zod -> structural OpenAPI converter, on small plain schemas.
import { z } from 'zod';
import { UnsupportedSchemaError, toOpenAPIV3Schema } from '../../../src/apis/openapi';
import {
  immutable,
  mapOf,
  setOf,
  withRule,
  withRules,
  withTransitionRule,
} from '../../../src/apis/schema-extensions';

describe('scalars', () => {
  test('strings carry lengths, pattern and description', () => {
    const schema = z
      .string()
      .min(2)
      .max(8)
      .regex(/^[a-z]+$/)
      .describe('a word');
    expect(toOpenAPIV3Schema(schema)).toEqual({
      description: 'a word',
      type: 'string',
      pattern: '^[a-z]+$',
      minLength: 2,
      maxLength: 8,
    });
  });

  test('string formats the API server knows become `format`, without zod’s own regex', () => {
    expect(toOpenAPIV3Schema(z.iso.datetime({ offset: true }))).toEqual({
      type: 'string',
      format: 'date-time',
    });
    expect(toOpenAPIV3Schema(z.ipv4())).toEqual({ type: 'string', format: 'ipv4' });
    expect(toOpenAPIV3Schema(z.string().length(3))).toEqual({
      type: 'string',
      minLength: 3,
      maxLength: 3,
    });
  });

  test('z.int() is an integer without zod’s safe-integer range; bounds are kept', () => {
    expect(toOpenAPIV3Schema(z.int().min(0).max(10))).toEqual({
      type: 'integer',
      minimum: 0,
      maximum: 10,
    });
    expect(toOpenAPIV3Schema(z.int32())).toEqual({ type: 'integer', format: 'int32' });
  });

  test('exclusive bounds use the OpenAPI v3.0 boolean form', () => {
    expect(toOpenAPIV3Schema(z.number().gt(0).lt(1))).toEqual({
      type: 'number',
      minimum: 0,
      exclusiveMinimum: true,
      maximum: 1,
      exclusiveMaximum: true,
    });
  });

  test('booleans, enums and literals', () => {
    expect(toOpenAPIV3Schema(z.boolean())).toEqual({ type: 'boolean' });
    expect(toOpenAPIV3Schema(z.enum(['A', 'B']))).toEqual({ type: 'string', enum: ['A', 'B'] });
    expect(toOpenAPIV3Schema(z.literal('x'))).toEqual({ type: 'string', enum: ['x'] });
    expect(toOpenAPIV3Schema(z.literal([1, 2]))).toEqual({ type: 'integer', enum: [1, 2] });
  });
});

describe('objects', () => {
  test('fields that are neither optional nor defaulted are required, in declaration order', () => {
    const schema = z.object({
      b: z.string(),
      a: z.int().optional(),
      c: z.boolean().default(false),
      d: z.string(),
    });
    expect(toOpenAPIV3Schema(schema)).toEqual({
      type: 'object',
      properties: {
        b: { type: 'string' },
        a: { type: 'integer' },
        c: { type: 'boolean', default: false },
        d: { type: 'string' },
      },
      required: ['b', 'd'],
    });
    expect(Object.keys(toOpenAPIV3Schema(schema).properties!)).toEqual(['b', 'a', 'c', 'd']);
  });

  test('an object without required fields has no `required`', () => {
    expect(toOpenAPIV3Schema(z.object({ a: z.string().optional() }))).toEqual({
      type: 'object',
      properties: { a: { type: 'string' } },
    });
  });

  test('a prefaulted object is emitted with its fields’ defaults expanded', () => {
    const schema = z.object({
      policy: z.object({ n: z.int().default(3), on: z.boolean().default(true) }).prefault({}),
    });
    const policy = toOpenAPIV3Schema(schema).properties!.policy!;
    expect(policy.default).toEqual({ n: 3, on: true });
    expect(policy.properties!.n!.default).toBe(3);
  });

  test('nullable is `nullable: true` on the node, never a type union', () => {
    expect(toOpenAPIV3Schema(z.string().nullable())).toEqual({ type: 'string', nullable: true });
  });

  test('the outermost description wins over an inner one', () => {
    const inner = z.string().describe('inner');
    expect(toOpenAPIV3Schema(inner.optional().describe('outer')).description).toBe('outer');
    expect(toOpenAPIV3Schema(inner.optional()).description).toBe('inner');
  });

  test('a loose object preserves unknown fields', () => {
    expect(toOpenAPIV3Schema(z.looseObject({}))).toEqual({
      type: 'object',
      properties: {},
      'x-kubernetes-preserve-unknown-fields': true,
    });
  });
});

describe('collections', () => {
  test('arrays carry item bounds; setOf makes a list-type set that zod also enforces', () => {
    expect(toOpenAPIV3Schema(z.array(z.string()).min(1).max(3))).toEqual({
      type: 'array',
      minItems: 1,
      maxItems: 3,
      items: { type: 'string' },
    });
    const set = setOf(z.string(), { max: 4 });
    expect(toOpenAPIV3Schema(set)).toEqual({
      type: 'array',
      maxItems: 4,
      items: { type: 'string' },
      'x-kubernetes-list-type': 'set',
    });
    const result = set.safeParse(['a', 'b', 'a']);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path)).toEqual([[2]]);
  });

  test('records become additionalProperties', () => {
    expect(toOpenAPIV3Schema(z.record(z.string(), z.int()))).toEqual({
      type: 'object',
      additionalProperties: { type: 'integer' },
    });
  });

  test('a record whose keys are constrained must say so in CEL: mapOf does', () => {
    const raw = z.record(z.string().regex(/^[a-z]+$/), z.string());
    expect(() => toOpenAPIV3Schema(raw)).toThrow(/build the map with mapOf/);

    const map = mapOf(
      { pattern: /^[a-z]+$/, maxLength: 5, message: 'lower-case keys' },
      z.string(),
      2,
    );
    expect(toOpenAPIV3Schema(map)).toEqual({
      type: 'object',
      maxProperties: 2,
      additionalProperties: { type: 'string' },
      'x-kubernetes-validations': [
        {
          rule: "self.all(k, size(k) <= 5 && k.matches('^[a-z]+$'))",
          message: 'lower-case keys',
        },
      ],
    });
    expect(map.safeParse({ ab: 'x' }).success).toBe(true);
    expect(map.safeParse({ Ab: 'x' }).success).toBe(false);
    expect(map.safeParse({ abcdef: 'x' }).success).toBe(false);
    expect(map.safeParse({ a: '1', b: '2', c: '3' }).success).toBe(false);
  });

  test('CEL string literals escape backslashes and quotes in map key patterns', () => {
    const map = mapOf({ pattern: /^a\.b'$/, maxLength: 9, message: 'm' }, z.string(), 1);
    expect(toOpenAPIV3Schema(map)['x-kubernetes-validations']![0]!.rule).toBe(
      "self.all(k, size(k) <= 9 && k.matches('^a\\\\.b\\'$'))",
    );
  });
});

describe('CEL rules', () => {
  const range = z.object({ low: z.int(), high: z.int() });

  test('withRule emits the CEL and makes zod check the same rule at the fieldPath', () => {
    const schema = withRule(
      range,
      { rule: 'self.low <= self.high', message: 'low must not exceed high', fieldPath: '.low' },
      (r) => r.low <= r.high,
    );
    expect(toOpenAPIV3Schema(schema)['x-kubernetes-validations']).toEqual([
      { rule: 'self.low <= self.high', message: 'low must not exceed high', fieldPath: '.low' },
    ]);
    const result = schema.safeParse({ low: 2, high: 1 });
    expect(result.error!.issues).toMatchObject([
      { path: ['low'], message: 'low must not exceed high' },
    ]);
    expect(schema.safeParse({ low: 1, high: 2 }).success).toBe(true);
  });

  test('withRules keeps every rule, in order, and survives .describe() and .optional()', () => {
    const schema = withRules(range, [
      { rule: 'self.low >= 0', message: 'low >= 0', holds: (r) => r.low >= 0 },
      { rule: 'self.high <= 9', message: 'high <= 9', holds: (r) => r.high <= 9 },
    ])
      .describe('a range')
      .optional();
    const props = toOpenAPIV3Schema(z.object({ r: schema })).properties!.r!;
    expect(props.description).toBe('a range');
    expect(props['x-kubernetes-validations']!.map((r) => r.rule)).toEqual([
      'self.low >= 0',
      'self.high <= 9',
    ]);
    expect(schema.safeParse({ low: -1, high: 10 }).error!.issues.map((i) => i.message)).toEqual([
      'low >= 0',
      'high <= 9',
    ]);
  });

  test('transition rules must use oldSelf and are emitted but not run by zod', () => {
    expect(() => withTransitionRule(z.string(), { rule: 'self != ""', message: 'm' })).toThrow(
      /oldSelf/,
    );
    const name = immutable(z.string(), 'name');
    expect(toOpenAPIV3Schema(name)['x-kubernetes-validations']).toEqual([
      { rule: 'self == oldSelf', message: 'name is immutable' },
    ]);
    expect(name.parse('anything')).toBe('anything');
  });

  test('fieldPath must be a dotted path, which zod can also follow', () => {
    expect(() =>
      withRule(range, { rule: 'true', message: 'm', fieldPath: 'low' }, () => true),
    ).toThrow(/unsupported fieldPath/);
  });
});

describe('what has no structural form is refused, naming the field', () => {
  const cases: Array<[string, z.ZodType, RegExp]> = [
    ['union', z.object({ a: z.union([z.string(), z.int()]) }), /^\.a: zod type "union"/],
    ['transform', z.object({ a: z.string().transform((s) => s.length) }), /^\.a: zod type "pipe"/],
    ['trim (an overwrite)', z.object({ a: z.string().trim() }), /^\.a: check "overwrite"/],
    ['regex flags', z.object({ a: z.string().regex(/^a$/i) }), /^\.a: pattern .* has flags/],
    ['two patterns', z.string().regex(/a/).regex(/b/), /only one pattern/],
    ['date', z.object({ list: z.array(z.date()) }), /^\.list\[\]: zod type "date"/],
    ['typed extra keys', z.object({}).catchall(z.string()), /typed extra keys/],
    ['non-string map keys', z.record(z.enum(['a']), z.string()), /map keys must be strings/],
    ['mixed enum', z.literal(['a', 1]), /one type/],
  ];
  test.each(cases)('%s', (_name, schema, message) => {
    expect(() => toOpenAPIV3Schema(schema)).toThrow(UnsupportedSchemaError);
    expect(() => toOpenAPIV3Schema(schema)).toThrow(message);
  });

  test('a misspelt Kubernetes extension in .meta() is an error, not silently dropped', () => {
    const schema = z.array(z.string()).meta({ 'x-kubernetes-list-typ': 'set' });
    expect(() => toOpenAPIV3Schema(schema)).toThrow(/unknown schema extension/);
  });
});
