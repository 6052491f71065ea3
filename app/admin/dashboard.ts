import { Router, type Request, type Response } from 'express';
import { writeAcceptancesCsv } from '../acceptance-csv';
import type { Context } from '../context';
import { deviceFamilyLabels, type DeviceFamily } from '../device-family';
import { HttpError, UserError } from '../errors';
import { driverFor, reportIntervalOf } from '../gateways';
import { log } from '../log';
import { optionalField } from '../request-fields';
import { requestedPeriod } from './period-query';
import {
  choosePeriod, randomMacNote, venueStatistics, venueToday, type Period, type PeriodName, type RouterHealth,
  type VenueStatistics,
} from '../statistics';
import type { Gateway, Site } from '../store/types';
import { busiestHoursChart, devicesPerDayChart, weekdayNames } from './charts';
import { firstRunChecklist } from './first-run';
import { venueOf, venuePath } from './venue-scope';

const periodLabels: Record<PeriodName, string> = { today: 'Today', '7d': '7 days', '30d': '30 days', custom: 'Custom' };
const gatewayField = { max: 64, pattern: /^[A-Za-z0-9._:-]+$/ };

interface PeriodChoice {
  periodName: PeriodName;
  period: Period;
  gatewayId: string | null;
}

interface DashboardRequest extends PeriodChoice {
  site: Site;
  gateways: Gateway[];
}

/** A query the page cannot show: why, and the days as given, to show them again in the form. */
interface Refusal {
  problem: string;
  typed: { from: string; to: string };
}

/** The period and router of a dashboard query: ?period=today|7d|30d, or from/to (custom), and optionally gateway. */
function periodChoice(query: Record<string, unknown>, gateways: Gateway[], today: () => string): PeriodChoice {
  const { periodName, from, to } = requestedPeriod(query);
  const gatewayId = optionalField(query, 'gateway', gatewayField) || null;
  if (gatewayId !== null && !gateways.some((gateway) => gateway.id === gatewayId)) throw new UserError(`This venue has no router "${gatewayId}": choose one from the list.`);
  return { periodName, period: choosePeriod(periodName, from, to, today), gatewayId };
}

/**
 * What both dashboard URLs show. A query they cannot show (a period that ends before it starts, an
 * unknown router) comes back as a refusal, with the last 7 days of all routers in its place.
 */
async function readDashboardRequest(ctx: Context, req: Request, res: Response): Promise<{ request: DashboardRequest; refusal?: Refusal }> {
  const site = venueOf(res);
  const gateways = await ctx.store.listGateways(site.id);
  const today = () => venueToday(site, ctx.now());
  const query = req.query as Record<string, unknown>;
  try {
    return { request: { site, gateways, ...periodChoice(query, gateways, today) } };
  } catch (error) {
    if (!(error instanceof UserError) && !(error instanceof HttpError && error.status === 400)) throw error;
    const typed = (name: string) => (typeof query[name] === 'string' ? query[name].slice(0, 20) : '');
    return {
      request: { site, gateways, periodName: '7d', period: choosePeriod('7d', undefined, undefined, today), gatewayId: null },
      refusal: { problem: error.message, typed: { from: typed('from'), to: typed('to') } },
    };
  }
}

const count = new Intl.NumberFormat('en');

function formatDuration(seconds: number | null): string {
  if (seconds === null) return '–';
  const rounded = Math.round(seconds);
  const hours = Math.floor(rounded / 3600);
  const minutes = Math.floor((rounded % 3600) / 60);
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  return minutes > 0 ? `${minutes} min ${String(rounded % 60).padStart(2, '0')} s` : `${rounded} s`;
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${Math.round((part / whole) * 100)}%`;
}

const statusLabels: Record<RouterHealth['status'], string> = { up: 'Up', down: 'Down', never: 'No reports' };

/** `venueBase`: the address of the venue's admin pages (venuePath). */
function routerRow(router: RouterHealth, timezone: string, venueBase: string) {
  const venueTime = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, dateStyle: 'medium', timeStyle: 'short' });
  return {
    name: router.name, id: router.id, kind: driverFor(router.type)?.label ?? router.type, href: `${venueBase}routers/${encodeURIComponent(router.id)}`,
    status: router.status, statusLabel: statusLabels[router.status],
    lastContact: router.lastContactAt === null ? 'never' : venueTime.format(new Date(router.lastContactAt)),
    uptime: router.uptimeSeconds === null ? '–' : formatDuration(router.uptimeSeconds),
    load: router.load === null ? '–' : router.load.toFixed(2),
    explanation: driverFor(router.type)?.health.explain({ status: router.status, reportIntervalSeconds: router.checkIntervalSeconds }) ?? '',
  };
}

/** Everything the page shows, formatted: the view only places it. */
function dashboardPage(request: DashboardRequest, stats: VenueStatistics, venueBase: string, refused?: Refusal) {
  const link = (query: Record<string, string>) => {
    const params = new URLSearchParams(query);
    if (request.gatewayId) params.set('gateway', request.gatewayId);
    return `${venueBase}dashboard?${params}`;
  };
  const csvQuery = new URLSearchParams({ from: stats.from, to: stats.to, ...(request.gatewayId ? { gateway: request.gatewayId } : {}) });
  const breakdown = (rows: { label: string; acceptances: number }[]) =>
    rows.map((row) => ({ label: row.label, count: count.format(row.acceptances), percent: percent(row.acceptances, stats.acceptances) }));
  const byHour = new Map(stats.hours.map((h) => [`${h.weekday}-${h.hour}`, h.acceptances]));
  return {
    title: 'Dashboard',
    venue: stats.venue,
    periodText: stats.from === stats.to ? stats.from : `${stats.from} to ${stats.to}`,
    timezone: stats.timezone,
    periodLinks: (['today', '7d', '30d'] as const).map((name) => ({ label: periodLabels[name], href: link({ period: name }), current: request.periodName === name })),
    from: refused?.typed.from ?? stats.from,
    to: refused?.typed.to ?? stats.to,
    periodProblem: refused?.problem ?? null,
    routerOptions: [{ value: '', label: 'All routers', selected: request.gatewayId === null },
      ...request.gateways.map((g) => ({ value: g.id, label: g.name === g.id ? g.id : `${g.name} (${g.id})`, selected: g.id === request.gatewayId }))],
    dashboardHref: `${venueBase}dashboard`,
    csvHref: `${venueBase}dashboard.csv?${csvQuery}`,
    cards: [
      { label: 'Acceptances', value: count.format(stats.acceptances) },
      { label: 'Unique devices', value: count.format(stats.uniqueDevices) },
      { label: 'New devices', value: count.format(stats.newDevices) },
      { label: 'Returning devices', value: count.format(stats.returningDevices) },
      { label: 'Online now', value: count.format(stats.onlineNow) },
      { label: 'Sessions', value: count.format(stats.sessions) },
      { label: 'Average session', value: formatDuration(stats.averageSessionSeconds) },
      { label: 'Median session', value: formatDuration(stats.medianSessionSeconds) },
      { label: 'Data used', value: formatBytes(stats.bytes) },
    ],
    devicesChart: devicesPerDayChart(stats.days),
    hoursChart: busiestHoursChart(stats.hours),
    dayRows: stats.days.map((d) => ({
      day: d.day, acceptances: count.format(d.acceptances), newDevices: count.format(d.newDevices), returningDevices: count.format(d.returningDevices),
    })),
    busiestHours: [...stats.hours].sort((a, b) => b.acceptances - a.acceptances).slice(0, 5)
      .map((h) => `${weekdayNames[h.weekday - 1]} ${h.hour}:00–${h.hour + 1}:00: ${count.format(h.acceptances)}`),
    hourHeaders: Array.from({ length: 24 }, (_, hour) => String(hour)),
    hourRows: weekdayNames.map((name, row) => ({ name, cells: Array.from({ length: 24 }, (_, hour) => String(byHour.get(`${row + 1}-${hour}`) ?? 0)) })),
    breakdowns: [
      { title: 'Terms release', rows: breakdown(stats.byTermsRelease.map((r) => ({ label: `Release ${r.release}`, acceptances: r.acceptances }))) },
      { title: 'Language', rows: breakdown(stats.byLanguage.map((l) => ({ label: l.language, acceptances: l.acceptances }))) },
      { title: 'Device', rows: breakdown(stats.byDeviceFamily.map((f) => ({ label: deviceFamilyLabels[f.family as DeviceFamily] ?? f.family, acceptances: f.acceptances }))) },
    ],
    routers: stats.routers.map((router) => routerRow(router, stats.timezone, venueBase)),
    randomisedShare: stats.randomisedMacShare === null ? '–' : percent(stats.randomisedMacDevices, stats.devicesWithMac),
    randomMacNote: randomMacNote(stats.randomisedMacShare),
  };
}

class DownloadAbandoned extends Error {}

/** Resolves when the client has taken what was written, or has gone; leaves no listener behind. */
function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** The statistics pages. Mounted behind the admin login, which sets res.locals.adminUser and csrfToken. */
export function dashboardRouter(ctx: Context): Router {
  const router = Router();

  // A query it cannot show is answered with the page (at 400): the message by the period form, the days as typed.
  router.get('/dashboard', async (req, res) => {
    const { request, refusal } = await readDashboardRequest(ctx, req, res);
    if (refusal) log.warn('dashboard period refused', { reason: refusal.problem });
    const stats = await venueStatistics(ctx.store, request.site, request.period, request.gatewayId, ctx.now(), () => reportIntervalOf);
    const page = dashboardPage(request, stats, venuePath(ctx, request.site), refusal);
    const checklist = await firstRunChecklist(ctx, request.site);
    res.status(refusal ? 400 : 200).set('Cache-Control', 'no-store').render('admin/dashboard', { ...page, checklist });
  });

  router.get('/dashboard.csv', async (req, res) => {
    const { request, refusal } = await readDashboardRequest(ctx, req, res);
    if (refusal) throw new UserError(refusal.problem);
    const { fromDay, toDay } = request.period;
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="acceptances-${fromDay}-to-${toDay}.csv"`,
      'Cache-Control': 'no-store',
    });
    log.info('acceptances downloaded', { venue: request.site.slug, from: fromDay, to: toDay, gateway: request.gatewayId ?? undefined });
    const rows = ctx.store.exportAcceptances({ siteId: request.site.id, fromDay, toDay, gatewayId: request.gatewayId ?? undefined });
    try {
      await writeAcceptancesCsv(rows, async (text) => {
        if (res.destroyed) throw new DownloadAbandoned();
        // Wait for a slow client instead of buffering a month of rows in memory.
        if (!res.write(text)) await drainedOrClosed(res);
      });
      res.end();
    } catch (error) {
      if (!(error instanceof DownloadAbandoned)) throw error;
      log.info('acceptances download abandoned by the client', { from: fromDay, to: toDay });
    }
  });

  return router;
}
