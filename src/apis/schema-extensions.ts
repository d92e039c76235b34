// Zod builders for what plain zod cannot say in a Kubernetes schema: CEL rules
// (x-kubernetes-validations), sets (x-kubernetes-list-type: set) and maps with bounded, validated
// keys. Each builder attaches BOTH the runtime check zod runs and the metadata the OpenAPI
// converter emits, from one set of arguments, so the API server and our own parsing agree.
import { z } from 'zod';
import type { ValidationRule } from './kubernetes-schema';

export const VALIDATIONS_KEY = 'x-kubernetes-validations';

/** The CEL rules already attached to `schema` (through `.meta()` on it or a clone of it). */
export function validationRulesOf(schema: z.ZodType): ValidationRule[] {
  const meta = z.globalRegistry.get(schema);
  return (meta?.[VALIDATIONS_KEY] as ValidationRule[] | undefined) ?? [];
}

/** `.minNodes` or `.a.b` -> ['minNodes'] / ['a', 'b']: where zod reports the failed rule. */
export function fieldPathSegments(fieldPath: string): string[] {
  if (!/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(fieldPath)) {
    throw new Error(`unsupported fieldPath ${JSON.stringify(fieldPath)}: use .field or .a.b`);
  }
  return fieldPath.slice(1).split('.');
}

/**
 * A cross-field rule: `rule` is the CEL the API server evaluates, `holds` the same rule in
 * TypeScript for zod. Keep the two side by side; tests run both against the same cases.
 */
export function withRule<S extends z.ZodType>(
  schema: S,
  rule: ValidationRule,
  holds: (value: z.output<S>) => boolean,
): S {
  const path = rule.fieldPath ? fieldPathSegments(rule.fieldPath) : [];
  const refined = schema.refine(holds, { message: rule.message, path });
  return refined.meta({ [VALIDATIONS_KEY]: [...validationRulesOf(schema), rule] }) as S;
}

/** A rule for withRules(): the CEL and its TypeScript twin together. */
export interface CrossFieldRule<T> extends ValidationRule {
  holds: (value: T) => boolean;
}

/** Several cross-field rules on one object, in the order they are listed. */
export function withRules<S extends z.ZodType>(
  schema: S,
  rules: Array<CrossFieldRule<z.output<S>>>,
): S {
  return rules.reduce<S>((current, { holds, ...rule }) => withRule(current, rule, holds), schema);
}

/** A CEL string literal for `text` (used to embed regular expressions in rules). */
export function celString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** An array whose items are unique scalars: the API server answers duplicates with 422. */
export function setOf<T extends z.ZodType>(item: T, bounds: { min?: number; max: number }) {
  const list = z
    .array(item)
    .min(bounds.min ?? 0)
    .max(bounds.max)
    .superRefine((values, ctx) => {
      const seen = new Set<string>();
      values.forEach((value, index) => {
        const key = JSON.stringify(value);
        if (seen.has(key)) {
          ctx.addIssue({ code: 'custom', message: `duplicate value ${key}`, path: [index] });
        }
        seen.add(key);
      });
    });
  return list.meta({ 'x-kubernetes-list-type': 'set' });
}

export interface MapKeyRule {
  /** RE2-compatible (no lookaround, no flags): the API server runs it through CEL `matches`. */
  pattern: RegExp;
  maxLength: number;
  /** Says what a valid key is; used for both zod and the CEL rule. */
  message: string;
}

/**
 * A map with at most `maxEntries` entries whose keys obey `key`. OpenAPI has no schema for map
 * keys in Kubernetes (no propertyNames), so the key rule becomes a CEL rule over `self`, which
 * `maxProperties` keeps within the CEL cost budget.
 */
export function mapOf<V extends z.ZodType>(key: MapKeyRule, value: V, maxEntries: number) {
  if (key.pattern.flags !== '') {
    throw new Error(`map key pattern ${key.pattern} must have no flags`);
  }
  // Keys are checked here rather than by a key schema, so the issue carries `message` at the
  // key's path instead of zod's generic "Invalid key in record".
  const map = z.record(z.string(), value).superRefine((entries, ctx) => {
    const keys = Object.keys(entries);
    if (keys.length > maxEntries) {
      ctx.addIssue({ code: 'custom', message: `must have at most ${maxEntries} entries` });
    }
    for (const k of keys) {
      if (k.length > key.maxLength || !key.pattern.test(k)) {
        ctx.addIssue({ code: 'custom', message: key.message, path: [k] });
      }
    }
  });
  const keyRule: ValidationRule = {
    rule:
      `self.all(k, size(k) <= ${key.maxLength} && ` +
      `k.matches(${celString(key.pattern.source)}))`,
    message: key.message,
  };
  return map.meta({ maxProperties: maxEntries, [VALIDATIONS_KEY]: [keyRule] });
}

/**
 * A rule about how an object may change (it uses `oldSelf`). Zod sees one value, never the old
 * one, so only the API server enforces it, on update; it is documented with the field.
 */
export function withTransitionRule<S extends z.ZodType>(schema: S, rule: ValidationRule): S {
  if (!rule.rule.includes('oldSelf')) {
    throw new Error(`transition rule ${JSON.stringify(rule.rule)} does not use oldSelf`);
  }
  return schema.meta({ [VALIDATIONS_KEY]: [...validationRulesOf(schema), rule] }) as S;
}

/** The field may be set on create and never changed afterwards. */
export function immutable<S extends z.ZodType>(schema: S, field: string): S {
  return withTransitionRule(schema, { rule: 'self == oldSelf', message: `${field} is immutable` });
}
