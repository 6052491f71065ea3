import { deviceFamilyLabels, type DeviceFamily } from './device-family';
import type { DayFigures, Gateway, Site, StatisticsFigures, Store } from './store/types';
import { localCalendar } from './venue-time';
import { UserError } from './errors';

/** A period of venue-local days, both ends included. */
export interface Period {
  fromDay: string;
  toDay: string;
}

export const periodNames = ['today', '7d', '30d', 'custom'] as const;
export type PeriodName = (typeof periodNames)[number];

/** Longer custom periods would make the dashboard read a year of roll-ups per view; a year is enough. */
export const longestPeriodDays = 366;

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const dayMs = 24 * 60 * 60 * 1000;

/** Years a venue's day can fall in: no acceptance is dated outside them, and day arithmetic stays far from Date's limits. */
const firstYear = 2000;
const lastYear = 2999;

/** True for a real calendar day written YYYY-MM-DD (not 2026-02-30, nor 2026-13-01, which Date cannot even make). */
export function isCalendarDay(day: string): boolean {
  if (!dayPattern.test(day)) return false;
  const year = Number(day.slice(0, 4));
  const ms = Date.parse(`${day}T00:00:00Z`);
  return year >= firstYear && year <= lastYear && !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(day);
}

/** Calendar arithmetic on YYYY-MM-DD: days, not 24-hour spans, so DST cannot shift it. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10);
}

function daysBetween(fromDay: string, toDay: string): number {
  return Math.round((Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / dayMs);
}

/**
 * The period the owner asked for: a named one ending today (the venue's today), or from/to.
 * Given only a start, a custom period runs to today; given only an end, it is that single day. Mistakes
 * are UserErrors in plain words. `today` is asked only when needed: the first day worked out in a time zone costs a fresh
 * process about 15 ms (the zone data is loaded), a tenth of a `stats` command.
 */
export function choosePeriod(name: PeriodName, from: string | undefined, to: string | undefined, today: () => string): Period {
  if (name === 'today') return { fromDay: today(), toDay: today() };
  if (name === '7d') return { fromDay: addDays(today(), -6), toDay: today() };
  if (name === '30d') return { fromDay: addDays(today(), -29), toDay: today() };
  const fromDay = from ?? to;
  if (fromDay === undefined) throw new UserError('Choose the first or the last day of the period.');
  const toDay = to ?? today();
  for (const day of [fromDay, toDay]) if (!isCalendarDay(day)) throw new UserError(`"${day.slice(0, 20)}" is not a day of the calendar: write days as year-month-day, such as 2026-03-31.`);
  if (fromDay > toDay) throw new UserError(`The period would start on ${fromDay}, after its last day (${toDay}): choose a first day on or before the last.`);
  const days = daysBetween(fromDay, toDay) + 1;
  if (days > longestPeriodDays) throw new UserError(`A period can be at most a year (${longestPeriodDays} days); ${fromDay} to ${toDay} is ${days} days. Choose a later first day or an earlier last day.`);
  return { fromDay, toDay };
}

export function venueToday(site: Site, now: number): string {
  return localCalendar(now, site.timezone).day;
}

/** A router silent for longer than this many check intervals is shown as down. */
export const silentIntervalsForDown = 3;

/** "never" = the router has not reported itself (some never do). */
export type RouterStatus = 'up' | 'down' | 'never';

/** Seconds between a router's reports of itself, from its driver's health model; null for one that never reports. */
export type ReportIntervalOf = (gateway: Gateway) => number | null;

export interface RouterHealth {
  id: string;
  name: string;
  type: string;
  status: RouterStatus;
  lastContactAt: string | null;
  silentSeconds: number | null;
  uptimeSeconds: number | null;
  load: number | null;
  /** Seconds between its reports; null for a router that never reports. */
  checkIntervalSeconds: number | null;
}

/** A router's health as the dashboard and the operators' overview show it. */
export function routerHealth(gateway: Gateway, checkIntervalSeconds: number | null, now: number): RouterHealth {
  const silentMs = gateway.lastContactAt === undefined ? null : Math.max(0, now - gateway.lastContactAt);
  let status: RouterStatus = 'never';
  if (silentMs !== null && checkIntervalSeconds !== null) status = silentMs > silentIntervalsForDown * checkIntervalSeconds * 1000 ? 'down' : 'up';
  return {
    id: gateway.id, name: gateway.name, type: gateway.type, status,
    lastContactAt: gateway.lastContactAt === undefined ? null : new Date(gateway.lastContactAt).toISOString(),
    silentSeconds: silentMs === null ? null : Math.floor(silentMs / 1000),
    uptimeSeconds: gateway.health?.sysUptime ?? null, load: gateway.health?.sysLoad ?? null, checkIntervalSeconds,
  };
}

/** Everything the dashboard and `stats --json` show, in one JSON-ready object. */
export interface VenueStatistics extends StatisticsFigures {
  venue: string;
  timezone: string;
  from: string;
  to: string;
  gateway: string | null;
  /** Share (0–1) of the period's devices with a randomised MAC, of those whose MAC was known. */
  randomisedMacShare: number | null;
  routers: RouterHealth[];
}

/**
 * The figures for a period; every day of the period is listed, with zeros where nothing happened. `healthModels`
 * is asked for once the database is counting, so that a command can load the drivers meanwhile.
 */
export async function venueStatistics(
  store: Store, site: Site, period: Period, gatewayId: string | null, now: number, healthModels: () => ReportIntervalOf | Promise<ReportIntervalOf>,
): Promise<VenueStatistics> {
  const gateways = await store.listGateways(site.id);
  if (gatewayId !== null && !gateways.some((gateway) => gateway.id === gatewayId)) throw new UserError(`This venue has no router "${gatewayId.slice(0, 64)}".`);
  const [figures, reportIntervalOf] = await Promise.all([store.statistics({ siteId: site.id, ...period, gatewayId: gatewayId ?? undefined, now }), healthModels()]);
  const recorded = new Map(figures.days.map((day) => [day.day, day]));
  const days: DayFigures[] = [];
  for (let day = period.fromDay; day <= period.toDay; day = addDays(day, 1)) {
    days.push(recorded.get(day) ?? { day, acceptances: 0, newDevices: 0, returningDevices: 0 });
  }
  return {
    venue: site.name, timezone: site.timezone, from: period.fromDay, to: period.toDay, gateway: gatewayId,
    ...figures,
    days,
    randomisedMacShare: figures.devicesWithMac === 0 ? null : figures.randomisedMacDevices / figures.devicesWithMac,
    routers: gateways.filter((gateway) => gatewayId === null || gateway.id === gatewayId).map((gateway) => routerHealth(gateway, reportIntervalOf(gateway), now)),
  };
}

/** Why "returning" undercounts, in the owner's words; shown on the dashboard and by `stats`. */
export function randomMacNote(share: number | null): string {
  const measured = share === null ? '' : ` In this period ${Math.round(share * 100)}% of devices used such an address.`;
  return 'Most phones now use a private, random Wi-Fi address (MAC) for each network. Usually they keep it for your network, '
    + 'so a returning guest is recognised; but a phone that changes it (after "forget network", a reset, or periodically on some '
    + `Android versions) counts as a new device, so "returning" is a lower bound and "new" an upper bound.${measured}`;
}

/** The figures as `stats` prints them: a plain-text page for the owner's terminal. */
export function statisticsText(stats: VenueStatistics): string {
  const seconds = (value: number | null) => (value === null ? '-' : `${Math.round(value)} s`);
  const share = (part: number, whole: number) => (whole === 0 ? '' : ` (${Math.round((part / whole) * 100)}%)`);
  const lines = [
    `${stats.venue}, ${stats.from} to ${stats.to} (${stats.timezone})${stats.gateway ? `, router ${stats.gateway}` : ''}`,
    `acceptances         ${stats.acceptances}`,
    `unique devices      ${stats.uniqueDevices}`,
    `  new               ${stats.newDevices}`,
    `  returning         ${stats.returningDevices}`,
    `sessions            ${stats.sessions} (online now ${stats.onlineNow})`,
    `session length      average ${seconds(stats.averageSessionSeconds)}, median ${seconds(stats.medianSessionSeconds)}`,
    `data used           ${stats.bytes} bytes`,
    '',
    'day         acceptances  new  returning',
    ...stats.days.map((d) => `${d.day}  ${String(d.acceptances).padStart(11)}  ${String(d.newDevices).padStart(3)}  ${String(d.returningDevices).padStart(9)}`),
    '',
    'terms release: ' + stats.byTermsRelease.map((r) => `${r.release}: ${r.acceptances}`).join(', '),
    'language:      ' + stats.byLanguage.map((l) => `${l.language}: ${l.acceptances}`).join(', '),
    'device:        ' + stats.byDeviceFamily.map((f) => `${deviceFamilyLabels[f.family as DeviceFamily] ?? f.family}: ${f.acceptances}${share(f.acceptances, stats.acceptances)}`).join(', '),
    '',
    'routers:',
    ...stats.routers.map((r) => `  ${r.id}\t${r.status}\tlast contact ${r.lastContactAt ?? 'never'}\tuptime ${r.uptimeSeconds ?? '-'} s\tload ${r.load ?? '-'}`),
    '',
    randomMacNote(stats.randomisedMacShare),
  ];
  return lines.join('\n') + '\n';
}
