// What a check returns and what runSafetyChecks returns.
import type { SafetyCheckCode } from './codes';

export interface SafetyFailure {
  readonly ok: false;
  readonly code: SafetyCheckCode;
  /** For people: events, status, logs. Not parsed by anything; use `code` for that. */
  readonly message: string;
  /** `namespace/name` of the pods that caused the failure, when pods did. */
  readonly pods?: readonly string[];
}

export type CheckResult = { readonly ok: true } | SafetyFailure;

export type SafetyResult =
  | { readonly ok: true; readonly failures: readonly [] }
  | {
      readonly ok: false;
      /** Every failing check, in SAFETY_CHECK_CODES priority order. */
      readonly failures: readonly [SafetyFailure, ...SafetyFailure[]];
      /** The first failure: the reason shown as "blocked by". */
      readonly blocking: SafetyFailure;
    };

export const PASS: CheckResult = { ok: true };

export function fail(
  code: SafetyCheckCode,
  message: string,
  pods?: readonly string[],
): SafetyFailure {
  return pods === undefined ? { ok: false, code, message } : { ok: false, code, message, pods };
}

const LISTED = 5;

/** "a/x, b/y and 3 more": enough to act on without flooding an event message. */
export function listNames(names: readonly string[]): string {
  const shown = names.slice(0, LISTED).join(', ');
  return names.length > LISTED ? `${shown} and ${names.length - LISTED} more` : shown;
}
