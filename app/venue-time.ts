/** The venue's wall clock: statistics are counted in the venue's own days and hours. */
export interface LocalCalendar {
  /** YYYY-MM-DD */
  day: string;
  hour: number;
  /** 1 = Monday … 7 = Sunday (ISO) */
  weekday: number;
}

const weekdays: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    // Building a formatter costs far more than using one: keep one per zone.
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', weekday: 'short',
    });
    formats.set(timeZone, format);
  }
  return format;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/*
 * Every zone's offset today is a whole number of quarter hours and changes on a quarter hour, so a UTC
 * quarter hour lies within one local hour: its calendar is worked out once per zone (formatToParts
 * costs a tenth of an acceptance) and reused for every guest in that quarter hour.
 */
const quarterHourMs = 15 * 60 * 1000;
const latestQuarter = new Map<string, { quarter: number; calendar: LocalCalendar }>();

export function localCalendar(ms: number, timeZone: string): LocalCalendar {
  const quarter = Math.floor(ms / quarterHourMs);
  const latest = latestQuarter.get(timeZone);
  if (latest?.quarter === quarter) return latest.calendar;
  const parts: Record<string, string> = {};
  for (const part of formatFor(timeZone).formatToParts(ms)) parts[part.type] = part.value;
  const calendar = Object.freeze({ day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour), weekday: weekdays[parts.weekday] });
  latestQuarter.set(timeZone, { quarter, calendar });
  return calendar;
}
