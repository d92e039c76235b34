// `paused`: an operator paused scale-down of the group. A pause with an expiry that has passed
// no longer blocks, even if nobody has cleared it yet.
import { formatDuration, isoTime } from './format';
import type { SafetyInput } from './input';
import { type CheckResult, fail, PASS } from './result';

export function checkPaused(input: Pick<SafetyInput, 'group' | 'nowMs'>): CheckResult {
  const pause = input.group.pause;
  if (!pause?.paused) return PASS;
  const expires = pause.expiresAtMs;
  if (expires !== undefined && input.nowMs >= expires) return PASS;
  const why = pause.reason ? `: ${pause.reason}` : '';
  const until =
    expires === undefined
      ? 'until resumed'
      : `until ${isoTime(expires)} (${formatDuration(expires - input.nowMs)} from now)`;
  return fail('paused', `scale-down is paused ${until}${why}`);
}
