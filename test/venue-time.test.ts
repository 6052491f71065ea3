import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { localCalendar } from '../app/venue-time';

/** The calendar straight from a fresh formatter, without the quarter-hour reuse. */
function uncached(ms: number, timeZone: string) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', weekday: 'short',
  }).formatToParts(ms).map((part) => [part.type, part.value]));
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday) + 1;
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour), weekday };
}

// Whole-hour, half-hour and quarter-hour offsets, with and without daylight saving (Lord Howe shifts by 30 minutes).
const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'UTC'];

describe('venue calendar reused within a quarter hour', () => {
  it('equals the formatter for every minute around 2026 daylight-saving changes', () => {
    const starts = [Date.UTC(2026, 2, 28, 12), Date.UTC(2026, 3, 4, 12), Date.UTC(2026, 9, 3, 12), Date.UTC(2026, 9, 24, 12), Date.UTC(2026, 10, 1, 0)];
    for (const zone of zones) {
      for (const start of starts) {
        for (let ms = start; ms < start + 36 * 3600_000; ms += 60_000) assert.deepEqual(localCalendar(ms, zone), uncached(ms, zone), `${zone} ${new Date(ms).toISOString()}`);
      }
    }
  });

  it('equals the formatter for any moment from 2020 to 2040, in any order', () => {
    fc.assert(fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom(...zones), (ms, zone) => {
      assert.deepEqual(localCalendar(ms, zone), uncached(ms, zone));
    }), { numRuns: 2000 });
  });
});
