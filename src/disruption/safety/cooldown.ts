// `cooldown`: too soon after the group last scaled. After a scale-up, the new nodes have not had
// time to take pods, so removing a node could undo the scale-up; after a failed scale-down,
// retrying at once usually fails the same way. Delays are Cluster Autoscaler's defaults.
import { formatDuration, isoTime } from './format';
import { DEFAULTS, type SafetyInput } from './input';
import { type CheckResult, fail, PASS } from './result';

interface Delay {
  what: string;
  atMs: number | undefined;
  delayMs: number;
}

export function checkCooldown(input: Pick<SafetyInput, 'group' | 'nowMs'>): CheckResult {
  const c = input.group.cooldowns ?? {};
  const delays: Delay[] = [
    {
      what: 'scale-up',
      atMs: c.lastScaleUpMs,
      delayMs: c.delayAfterAddMs ?? DEFAULTS.delayAfterAddMs,
    },
    {
      what: 'scale-down',
      atMs: c.lastScaleDownMs,
      delayMs: c.delayAfterDeleteMs ?? DEFAULTS.delayAfterDeleteMs,
    },
    {
      what: 'failed scale-down',
      atMs: c.lastScaleDownFailureMs,
      delayMs: c.delayAfterFailureMs ?? DEFAULTS.delayAfterFailureMs,
    },
  ];
  const active = delays.flatMap(({ what, atMs, delayMs }) =>
    atMs !== undefined && input.nowMs < atMs + delayMs
      ? [
          `${formatDuration(delayMs)} after the last ${what} at ${isoTime(atMs)} ` +
            `(${formatDuration(atMs + delayMs - input.nowMs)} left)`,
        ]
      : [],
  );
  if (active.length === 0) return PASS;
  return fail('cooldown', `in cooldown: ${active.join('; ')}`);
}
