// Conditions the status reconciler owns on a NodeGroup, and how they are merged into the stored
// list. Pure.
//
// Other writers (scale-down outcome: ScaleDownFailed; provisioning: SSHKeysResolved) share the
// list and replace it whole with a merge patch, so their conditions are carried over verbatim
// and in place: the merged list differs from the stored one only where ours changed.
import {
  Condition,
  NODE_GROUP_CONDITION_TYPES,
  type Condition as ConditionType,
} from '../../apis/v1alpha1';

export type OwnedConditionType = (typeof NODE_GROUP_CONDITION_TYPES)[number];

/** A condition as computed, before lastTransitionTime and observedGeneration are filled in. */
export interface ConditionObservation {
  type: OwnedConditionType;
  status: 'True' | 'False' | 'Unknown';
  /** CamelCase. */
  reason: string;
  message: string;
}

const MAX_MESSAGE = 1024;
const OWNED: ReadonlySet<string> = new Set(NODE_GROUP_CONDITION_TYPES);

export const isOwnedCondition = (type: string) => OWNED.has(type);

/** metav1.Time: seconds, UTC, `Z`. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The stored conditions that are well formed. Read leniently: one malformed entry (written by
 * hand, or by an older version) must not stop the others from being carried over.
 */
export function storedConditions(raw: unknown): ConditionType[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((c) => {
    const parsed = Condition.safeParse(c);
    return parsed.success ? [parsed.data] : [];
  });
}

/**
 * The observation as a condition. lastTransitionTime is the stored one while the status stays
 * the same (metav1.Condition semantics: reason and message may change without a transition).
 */
export function toCondition(
  observed: ConditionObservation,
  stored: readonly ConditionType[],
  nowMs: number,
  generation: number | undefined,
): ConditionType {
  const previous = stored.find((c) => c.type === observed.type);
  const lastTransitionTime =
    previous && previous.status === observed.status ? previous.lastTransitionTime : rfc3339(nowMs);
  return {
    type: observed.type,
    status: observed.status,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    lastTransitionTime,
    reason: observed.reason,
    message: observed.message.slice(0, MAX_MESSAGE),
  };
}

/** `stored` with ours replaced in place, new ones of ours appended, others untouched. */
export function mergeConditions(
  stored: readonly ConditionType[],
  ours: readonly ConditionType[],
): ConditionType[] {
  const mine = new Map(ours.map((c) => [c.type, c]));
  const merged = stored.map((c) => mine.get(c.type) ?? c);
  const present = new Set(stored.map((c) => c.type));
  return [...merged, ...ours.filter((c) => !present.has(c.type))];
}

const LISTED = 5;

/** "a, b, c and 2 more": enough to act on without flooding a condition message. */
export function listNames(names: readonly string[]): string {
  const shown = names.slice(0, LISTED).join(', ');
  return names.length > LISTED ? `${shown} and ${names.length - LISTED} more` : shown;
}
