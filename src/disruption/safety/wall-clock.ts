// The weekday and time of day at an instant in an IANA time zone, from the runtime's time zone
// database (Intl), so daylight saving time is followed without carrying rules of our own.
import type { DayOfWeek } from '../../apis/v1alpha1/maintenance-window';

export interface WallClock {
  day: DayOfWeek;
  /** Minutes since local midnight, 0..1439. */
  minuteOfDay: number;
}

// Record keyed by DayOfWeek: adding a day to the API type fails to compile here.
const DAY_INDEX: Readonly<Record<DayOfWeek, number>> = {
  Mon: 0,
  Tue: 1,
  Wed: 2,
  Thu: 3,
  Fri: 4,
  Sat: 5,
  Sun: 6,
};
const DAYS = Object.keys(DAY_INDEX) as DayOfWeek[];

export function previousDay(day: DayOfWeek): DayOfWeek {
  return DAYS[(DAY_INDEX[day] + 6) % 7] as DayOfWeek;
}

// Building a formatter is the expensive part and depends only on the zone.
const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      formatter = null; // RangeError: a zone this runtime does not know
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall clock in `timeZone` at `nowMs`, or undefined when the zone is unknown. */
export function wallClockAt(nowMs: number, timeZone: string): WallClock | undefined {
  const formatter = formatterFor(timeZone);
  if (!formatter) return undefined;
  const parts = formatter.formatToParts(nowMs);
  const part = (type: string) => parts.find((p) => p.type === type)?.value;
  const day = part('weekday') as DayOfWeek | undefined;
  const hour = Number(part('hour'));
  const minute = Number(part('minute'));
  if (day === undefined || !(day in DAY_INDEX) || Number.isNaN(hour + minute)) return undefined;
  return { day, minuteOfDay: (hour % 24) * 60 + minute };
}
