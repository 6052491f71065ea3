import { Router, type Request } from 'express';
import { csvLine } from '../acceptance-csv';
import type { Context } from '../context';
import { HttpError, UserError } from '../errors';
import { reportIntervalOf } from '../gateways';
import { log } from '../log';
import { memoized } from '../memo';
import { optionalField } from '../request-fields';
import { requestedPeriod } from './period-query';
import { choosePeriod, routerHealth, venueToday, type Period, type PeriodName, type RouterStatus } from '../statistics';
import type { Gateway, Site, VenueOverviewFigures } from '../store/types';
import { venuePath } from './venue-scope';

/*
 * The operators' overview of all venues: one row per venue with its figures for the period, its routers'
 * health and its last acceptance, sortable by any column through links (no script), and the same rows as a
 * CSV. Mounted under /admin behind operatorsOnly: a venue manager never reaches it.
 */

const periodLabels: Record<Exclude<PeriodName, 'custom'>, string> = { today: 'Today', '7d': '7 days', '30d': '30 days' };

/** One venue's line, as the page and the CSV show it; the CSV's fields are these names. */
export interface OverviewRow {
  venueId: number;
  venue: string;
  slug: string;
  timezone: string;
  /** The venue's own days of the period (a named period ends on the venue's own today). */
  fromDay: string;
  toDay: string;
  acceptances: number;
  uniqueDevices: number;
  newDevices: number;
  sessions: number;
  onlineNow: number;
  routersUp: number;
  routersDown: number;
  /** Routers that have never reported themselves (some never do): "No reports", as on the dashboard. */
  routersNoReports: number;
  /** ISO 8601 (UTC); null for a venue without any acceptance. */
  lastAcceptanceAt: string | null;
}

export const overviewCsvColumns = [
  'venueId', 'venue', 'slug', 'timezone', 'fromDay', 'toDay', 'acceptances', 'uniqueDevices', 'newDevices', 'sessions', 'onlineNow',
  'routersUp', 'routersDown', 'routersNoReports', 'lastAcceptanceAt',
] as const satisfies readonly (keyof OverviewRow)[];

/** The columns one can sort by, with their heading and whether they start descending (figures) or ascending (names). */
const sortColumns = {
  venue: { label: 'Venue', firstOrder: 'asc' },
  acceptances: { label: 'Acceptances', firstOrder: 'desc' },
  uniqueDevices: { label: 'Devices', firstOrder: 'desc' },
  newDevices: { label: 'New devices', firstOrder: 'desc' },
  sessions: { label: 'Sessions', firstOrder: 'desc' },
  onlineNow: { label: 'Online now', firstOrder: 'desc' },
  routersUp: { label: 'Up', firstOrder: 'desc' },
  routersDown: { label: 'Down', firstOrder: 'desc' },
  routersNoReports: { label: 'No reports', firstOrder: 'desc' },
  lastAcceptanceAt: { label: 'Last acceptance', firstOrder: 'desc' },
} as const satisfies Partial<Record<keyof OverviewRow, { label: string; firstOrder: Order }>>;

type SortColumn = keyof typeof sortColumns;
type Order = 'asc' | 'desc';
const sortPattern = new RegExp(`^(${Object.keys(sortColumns).join('|')})$`);

interface OverviewChoice {
  periodName: PeriodName;
  /** For a custom period, the same days for every venue; null for a named one (each venue's own days). */
  custom: Period | null;
  sort: SortColumn;
  order: Order;
}

interface Refusal {
  problem: string;
  typed: { from: string; to: string };
}

const defaultChoice: OverviewChoice = { periodName: '7d', custom: null, sort: 'venue', order: 'asc' };

/**
 * ?period=today|7d|30d or from/to (custom), as on the dashboard, and ?sort=<column>&order=asc|desc. A named
 * period is each venue's own: "today" is the venue's today, whatever the operator's clock says.
 */
function overviewChoice(query: Record<string, unknown>): OverviewChoice {
  const { periodName, from, to } = requestedPeriod(query);
  const sort = (optionalField(query, 'sort', { max: 20, pattern: sortPattern }) || 'venue') as SortColumn;
  const order = (optionalField(query, 'order', { max: 4, pattern: /^(asc|desc)$/ }) || sortColumns[sort].firstOrder) as Order;
  // A custom period is the same days everywhere; a named one is checked here and worked out per venue below.
  const custom = periodName === 'custom' ? choosePeriod('custom', from, to, () => { throw new UserError('Choose the last day of the period too: each venue has its own today.'); }) : null;
  return { periodName, custom, sort, order };
}

/**
 * The venue's days of the period: a custom period's days, or a named period ending on the venue's own
 * today. (A custom period given only its first day would run to "today", which is not one day for all
 * venues: the overview asks for its last day too; given only its last day, it is that day, as on the dashboard.)
 */
function periodOf(choice: OverviewChoice, site: Site, now: number): Period {
  return choice.custom ?? choosePeriod(choice.periodName, undefined, undefined, () => venueToday(site, now));
}

/** A row with the venue it is of. */
type VenueRow = OverviewRow & { site: Site };

/** The overview's rows, unsorted: the store's figures for each venue's own period, with its routers' health. */
async function overviewRows(ctx: Context, choice: OverviewChoice): Promise<VenueRow[]> {
  const now = ctx.now();
  const [sites, gateways] = await Promise.all([ctx.store.listSites(), ctx.store.listGateways()]);
  // Venues whose period is the same days are read together: one store query (one snapshot) for a custom
  // period, one per distinct local today (two or three at most, since zones span 26 hours) for a named one.
  // The routers are read before the figures: their health is of the same moment, `now`.
  const byPeriod = new Map<string, { period: Period; siteIds: number[] }>();
  for (const site of sites) {
    const period = periodOf(choice, site, now);
    const key = `${period.fromDay}/${period.toDay}`;
    const group = byPeriod.get(key) ?? byPeriod.set(key, { period, siteIds: [] }).get(key)!;
    group.siteIds.push(site.id);
  }
  const figures = new Map<number, VenueOverviewFigures & Period>();
  for (const { period, siteIds } of byPeriod.values()) {
    const rows = await ctx.store.venueOverview({ ...period, siteIds: choice.custom ? undefined : siteIds, now });
    for (const row of rows) figures.set(row.siteId, { ...row, ...period });
  }
  const routersOf = new Map<number, Gateway[]>();
  for (const gateway of gateways) {
    const routers = routersOf.get(gateway.siteId);
    if (routers) routers.push(gateway);
    else routersOf.set(gateway.siteId, [gateway]);
  }
  return sites.flatMap((site) => {
    const row = figures.get(site.id);
    // A venue made between the two reads has no figures yet: it shows on the next view.
    if (!row) return [];
    const statuses = (routersOf.get(site.id) ?? []).map((gateway) => routerHealth(gateway, reportIntervalOf(gateway), now).status);
    const routers = (status: RouterStatus) => statuses.filter((s) => s === status).length;
    return [{
      site, venueId: site.id, venue: site.name, slug: site.slug, timezone: site.timezone, fromDay: row.fromDay, toDay: row.toDay,
      acceptances: row.acceptances, uniqueDevices: row.uniqueDevices, newDevices: row.newDevices, sessions: row.sessions, onlineNow: row.onlineNow,
      routersUp: routers('up'), routersDown: routers('down'), routersNoReports: routers('never'),
      lastAcceptanceAt: row.lastAcceptanceAt === null ? null : new Date(row.lastAcceptanceAt).toISOString(),
    }];
  });
}

const byName = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Sorted by the column, then by venue name and id, so that equal figures keep a stable order; no last acceptance counts as the oldest. */
function sortRows(rows: VenueRow[], sort: SortColumn, order: Order): VenueRow[] {
  const direction = order === 'asc' ? 1 : -1;
  const compare = (a: VenueRow, b: VenueRow): number => {
    if (sort === 'venue') return byName.compare(a.venue, b.venue);
    if (sort === 'lastAcceptanceAt') return (a.lastAcceptanceAt ?? '').localeCompare(b.lastAcceptanceAt ?? '');
    return a[sort] - b[sort];
  };
  return [...rows].sort((a, b) => direction * compare(a, b) || byName.compare(a.venue, b.venue) || a.venueId - b.venueId);
}

/** What the query asks for, or, for one the page cannot show, why, with the default in its place. */
function readChoice(req: Request): { choice: OverviewChoice; refusal?: Refusal } {
  const query = req.query as Record<string, unknown>;
  try {
    return { choice: overviewChoice(query) };
  } catch (error) {
    if (!(error instanceof UserError) && !(error instanceof HttpError && error.status === 400)) throw error;
    const typed = (name: string) => (typeof query[name] === 'string' ? query[name].slice(0, 20) : '');
    return { choice: defaultChoice, refusal: { problem: error.message, typed: { from: typed('from'), to: typed('to') } } };
  }
}

const count = new Intl.NumberFormat('en');
// One formatter per time zone: building one costs far more than using it, and a page has a row per venue.
const venueTimeFormat = memoized((timeZone) => new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' }));

/** Everything the page shows, formatted: the view only places it. */
function overviewPage(ctx: Context, rows: VenueRow[], choice: OverviewChoice, now: number, refused?: Refusal) {
  const base = `${ctx.config.publicUrl.pathname}admin/overview`;
  const periodQuery = (): Record<string, string> => (choice.custom
    ? { from: choice.custom.fromDay, to: choice.custom.toDay } : { period: choice.periodName });
  const href = (path: string, query: Record<string, string>) => `${path}?${new URLSearchParams(query)}`;
  const sortQuery = (sort: SortColumn, order: Order): Record<string, string> => (sort === 'venue' && order === 'asc' ? {} : { sort, order });
  const days = [...new Set(rows.map((row) => (row.fromDay === row.toDay ? row.fromDay : `${row.fromDay} to ${row.toDay}`)))];
  let periodText: string;
  if (choice.custom) periodText = choice.custom.fromDay === choice.custom.toDay ? choice.custom.fromDay : `${choice.custom.fromDay} to ${choice.custom.toDay}`;
  else periodText = `${periodLabels[choice.periodName as keyof typeof periodLabels]}${days.length ? `: ${days.join(' or ')}` : ''}`;
  return {
    title: 'All venues',
    periodText,
    periodLinks: (['today', '7d', '30d'] as const).map((name) => ({
      label: periodLabels[name], href: href(base, { period: name, ...sortQuery(choice.sort, choice.order) }), current: !choice.custom && choice.periodName === name,
    })),
    from: refused?.typed.from ?? choice.custom?.fromDay ?? rows[0]?.fromDay ?? '',
    to: refused?.typed.to ?? choice.custom?.toDay ?? rows[0]?.toDay ?? '',
    sortFields: choice.sort === 'venue' && choice.order === 'asc' ? [] : [{ name: 'sort', value: choice.sort }, { name: 'order', value: choice.order }],
    periodProblem: refused?.problem ?? null,
    csvHref: href(`${base}.csv`, { ...periodQuery(), ...sortQuery(choice.sort, choice.order) }),
    columns: (Object.entries(sortColumns) as [SortColumn, (typeof sortColumns)[SortColumn]][]).map(([name, column]) => {
      const current = choice.sort === name;
      const next: Order = current ? (choice.order === 'asc' ? 'desc' : 'asc') : column.firstOrder;
      return {
        label: column.label, href: href(base, { ...periodQuery(), ...sortQuery(name, next) }), numeric: name !== 'venue' && name !== 'lastAcceptanceAt',
        ariaSort: current ? (choice.order === 'asc' ? 'ascending' : 'descending') : null,
        arrow: current ? (choice.order === 'asc' ? '▲' : '▼') : '',
      };
    }),
    rows: rows.map((row) => {
      const figure = (value: number, className = '') => ({ text: count.format(value), className });
      return {
        venue: row.venue, href: venuePath(ctx, row.site, 'dashboard'), timezone: row.timezone,
        cells: [
          figure(row.acceptances), figure(row.uniqueDevices), figure(row.newDevices), figure(row.sessions), figure(row.onlineNow),
          figure(row.routersUp), figure(row.routersDown, row.routersDown > 0 ? 'status down' : ''), figure(row.routersNoReports),
        ],
        lastAcceptance: row.lastAcceptanceAt === null ? 'never' : venueTimeFormat(row.timezone).format(new Date(row.lastAcceptanceAt)),
      };
    }),
    asOf: new Date(now).toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  };
}

/** GET /overview and /overview.csv, relative to /admin; to be mounted behind requireAdmin and operatorsOnly. */
export function overviewRoutes(ctx: Context): Router {
  const router = Router();

  // A query it cannot show is answered with the page at 400: the message by the form, the default figures below.
  router.get('/overview', async (req, res) => {
    const { choice, refusal } = readChoice(req);
    if (refusal) log.warn('overview period refused', { reason: refusal.problem });
    const rows = sortRows(await overviewRows(ctx, choice), choice.sort, choice.order);
    const page = overviewPage(ctx, rows, choice, ctx.now(), refusal);
    res.status(refusal ? 400 : 200).set('Cache-Control', 'no-store').render('admin/overview', { ...page, active: 'overview' });
  });

  router.get('/overview.csv', async (req, res) => {
    const { choice, refusal } = readChoice(req);
    if (refusal) throw new UserError(refusal.problem);
    const rows = sortRows(await overviewRows(ctx, choice), choice.sort, choice.order);
    const name = choice.custom ? `${choice.custom.fromDay}-to-${choice.custom.toDay}` : choice.periodName;
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="venues-${name}.csv"`,
      'Cache-Control': 'no-store',
    });
    res.send(overviewCsvColumns.join(',') + '\r\n' + rows.map((row) => csvLine(row, overviewCsvColumns)).join(''));
  });

  return router;
}
