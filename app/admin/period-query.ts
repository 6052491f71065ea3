import { UserError } from '../errors';
import { optionalField } from '../request-fields';
import { periodNames, type PeriodName } from '../statistics';

const periodPattern = new RegExp(`^(${periodNames.join('|')})$`);
const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/** The period a dashboard or the overview is asked for: ?period=today|7d|30d, or from/to (custom); 7 days when none. */
export function requestedPeriod(query: Record<string, unknown>): { periodName: PeriodName; from?: string; to?: string } {
  const day = (name: string, which: string) => {
    const value = optionalField(query, name, { max: 20 }) || undefined;
    if (value !== undefined && !dayPattern.test(value)) throw new UserError(`The ${which} day of the period is not a date: choose it in the calendar, or write it as 2026-03-31.`);
    return value;
  };
  const from = day('from', 'first');
  const to = day('to', 'last');
  const named = optionalField(query, 'period', { max: 10, pattern: periodPattern }) || undefined;
  return { periodName: (named ?? (from || to ? 'custom' : '7d')) as PeriodName, from, to };
}
