// When voluntary scale-down may start: weekly windows in a time zone. Deliberately simpler than
// cron: days of the week plus a clock range reads the same to every operator, cannot express a
// window that never opens, and is validated field by field by the API server.
import { z } from 'zod';
import { setOf, withRule } from '../schema-extensions';

export const DAYS_OF_WEEK = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number];

/** HH:MM on a 24-hour clock, 00:00 to 23:59. */
export const CLOCK_TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
/** Like CLOCK_TIME, plus 24:00 so that a window can run to the end of its day. */
export const END_CLOCK_TIME = /^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;
/** The shape of an IANA zone name (UTC, Europe/Berlin, America/Argentina/Buenos_Aires, Etc/GMT+5). */
export const TIME_ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9][A-Za-z0-9_+-]*)*$/;

/** Whether this runtime's time zone database knows `name` (the controller evaluates windows). */
export function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const windowFields = z.object({
  days: setOf(z.enum(DAYS_OF_WEEK), { min: 1, max: 7 }).describe(
    'Days of the week on which the window opens (Mon, Tue, Wed, Thu, Fri, Sat, Sun), in timeZone.',
  ),
  start: z
    .string()
    .max(5)
    .regex(CLOCK_TIME, { message: 'start must be HH:MM between 00:00 and 23:59' })
    .describe('Time the window opens, HH:MM (24-hour clock) in timeZone.'),
  end: z
    .string()
    .max(5)
    .regex(END_CLOCK_TIME, { message: 'end must be HH:MM between 00:00 and 24:00' })
    .describe(
      'Time the window closes, HH:MM (24-hour clock, 24:00 allowed) in timeZone. An end earlier ' +
        'than start makes the window run past midnight into the next day.',
    ),
  timeZone: withRule(
    z
      .string()
      .max(64)
      .regex(TIME_ZONE_NAME, { message: 'timeZone must be an IANA time zone name' }),
    {
      // CEL's timestamp functions take a zone name and fail on an unknown one; the API server
      // embeds Go's time zone database, so this checks the name against the real list.
      rule: "timestamp('2000-01-01T00:00:00Z').getHours(self) >= 0",
      message: 'timeZone must be a known IANA time zone, e.g. Europe/Berlin',
    },
    isKnownTimeZone,
  )
    .default('UTC')
    .describe(
      'IANA time zone of start and end, e.g. Europe/Berlin; daylight saving time is followed.',
    ),
});

export const MaintenanceWindow = withRule(
  windowFields,
  {
    rule: 'self.start != self.end',
    message: 'end must differ from start (use start 00:00 and end 24:00 for a whole day)',
    fieldPath: '.end',
  },
  (window) => window.start !== window.end,
).describe(
  'A weekly window in which scale-down may start. A scale-down that started inside a window ' +
    'is allowed to finish after it closes.',
);
export type MaintenanceWindow = z.infer<typeof MaintenanceWindow>;
