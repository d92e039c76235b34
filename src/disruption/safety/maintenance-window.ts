// `maintenance_window`: when the group defines maintenance windows, scale-down starts only
// inside one of them (without windows, at any time). Window shape is the NodeGroup CRD's:
// days on which the window OPENS, start and end as HH:MM wall-clock time in its time zone, end
// 24:00 for end of day, and an end earlier than start running past midnight into the next day.
// A window in a time zone this runtime does not know is treated as closed, as the CRD documents.
import type { MaintenanceWindowSpec, SafetyInput } from './input';
import { type CheckResult, fail, PASS } from './result';
import { previousDay, wallClockAt } from './wall-clock';

function minutes(clock: string): number {
  const [hours, mins] = clock.split(':').map(Number);
  return (hours ?? 0) * 60 + (mins ?? 0);
}

export function isWindowOpen(window: MaintenanceWindowSpec, nowMs: number): boolean {
  const now = wallClockAt(nowMs, window.timeZone ?? 'UTC');
  if (!now) return false;
  const start = minutes(window.start);
  const end = minutes(window.end);
  const t = now.minuteOfDay;
  if (start < end) return window.days.includes(now.day) && t >= start && t < end;
  if (start > end) {
    // Crosses midnight: the evening part belongs to today's window, the morning part to the
    // window that opened yesterday.
    return (
      (window.days.includes(now.day) && t >= start) ||
      (window.days.includes(previousDay(now.day)) && t < end)
    );
  }
  return false; // start == end is rejected by the CRD; a zero-length window never opens
}

function describeWindow(window: MaintenanceWindowSpec): string {
  const zone = window.timeZone ?? 'UTC';
  const known = wallClockAt(0, zone) ? '' : ' (unknown time zone, treated as closed)';
  return `${window.days.join(',')} ${window.start}-${window.end} ${zone}${known}`;
}

export function checkMaintenanceWindow(input: Pick<SafetyInput, 'group' | 'nowMs'>): CheckResult {
  const windows = input.group.maintenanceWindows ?? [];
  if (windows.length === 0) return PASS;
  if (windows.some((window) => isWindowOpen(window, input.nowMs))) return PASS;
  return fail(
    'maintenance_window',
    `outside every maintenance window: ${windows.map(describeWindow).join('; ')}`,
  );
}
