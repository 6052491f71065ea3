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

/*
 * ICU (Node 20's) still names some zones by the names IANA has since replaced, as CLDR keeps them for
 * stability: the owner is shown, and Portico stores, the current ones. ICU knows both, so either works
 * for reckoning the venue's time.
 */
const renamedZones: Record<string, string> = {
  'Africa/Asmera': 'Africa/Asmara', 'America/Buenos_Aires': 'America/Argentina/Buenos_Aires', 'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan', 'America/Cordoba': 'America/Argentina/Cordoba', 'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis', 'America/Jujuy': 'America/Argentina/Jujuy', 'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza', 'Asia/Calcutta': 'Asia/Kolkata', 'Asia/Katmandu': 'Asia/Kathmandu', 'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh', 'Atlantic/Faeroe': 'Atlantic/Faroe', 'Europe/Kiev': 'Europe/Kyiv', 'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei', 'Pacific/Truk': 'Pacific/Chuuk',
};

/** The time zones a venue can be in, by their current IANA names, sorted: ICU's list and UTC, which it leaves out. */
export const timeZoneNames: readonly string[] = [...new Set([...Intl.supportedValuesOf('timeZone').map((name) => renamedZones[name] ?? name), 'UTC'])].sort();
const knownZones = new Set(timeZoneNames);

/**
 * A time zone's current name, however it was given (an old name such as Europe/Kiev or US/Eastern, or
 * in other case); undefined for anything that is not one of timeZoneNames.
 */
export function currentTimeZoneName(given: string): string | undefined {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: given }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  const name = renamedZones[resolved] ?? resolved;
  return knownZones.has(name) ? name : undefined;
}

/** This server's own time zone (the TZ setting, else the system's), by its current name: a new venue's first guess. */
export function serverTimeZone(): string {
  return currentTimeZoneName(Intl.DateTimeFormat().resolvedOptions().timeZone) ?? 'UTC';
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
