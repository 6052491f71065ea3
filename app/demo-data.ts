import { createHash } from 'node:crypto';
import { describeAcceptance } from './acceptance-record';
import { termsTexts } from './content-digests';
import { deviceIdFor } from './device-id';
import type { NewAcceptance, Site, Store, TermsVersion } from './store/types';
import { createVenue, ensureVenue } from './venue-settings';
import { localCalendar } from './venue-time';

/*
 * A believable venue's history, made up: a café-bar with three routers, guests across its opening
 * hours with weekly and daily rhythms and day-to-day swings, regulars who come back, phones with
 * private MACs, sessions with data on the routers that report them. `portico demo` writes it through
 * the store's contract; the benchmarks write millions of the same visits in bulk (bench/seed.ts).
 */

export interface DemoOptions {
  acceptances: number;
  /** The history ends a minute before this moment and reaches back `days` days, from the venue's midnight. */
  endAt: number;
  days: number;
  timezone: string;
  /** The same seed gives the same history. */
  seed?: number;
  /** A venue of its own, with its routers named after its slug; the installation's first venue ("Harbour Café") when absent. */
  venue?: { slug: string; name: string };
}

/** One guest's visit: the acceptance and, on a router that reports sessions, the time online (endedAt null: still online). */
export interface DemoVisit {
  acceptance: NewAcceptance;
  session?: { startedAt: number; endedAt: number | null; bytesIn: number; bytesOut: number };
}

export interface DemoVenue {
  site: Site;
  /** demoRouters with the ids they have in this installation. */
  routers: { id: string; type: string; weight: number; sessions: boolean }[];
  releases: { from: number; versions: Map<string, TermsVersion> }[];
}

/** mulberry32: small, fast and repeatable; Math.random cannot be seeded. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, weighted: readonly (readonly [T, number])[]): T {
  let r = random() * weighted.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [value, weight] of weighted) if ((r -= weight) < 0) return value;
  return weighted[weighted.length - 1][0];
}

// Open from 7 until 2 at night: quiet mornings, lunch, a long evening; closed from 2 to 7.
const hourWeights = [2, 1, 0, 0, 0, 0, 0, 1, 3, 5, 5, 6, 10, 10, 6, 5, 5, 7, 10, 12, 12, 10, 7, 4];
const weekdayWeights = [0.8, 0.8, 0.9, 1.0, 1.3, 1.5, 1.1]; // Monday … Sunday
const userAgents = [
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148', 45],
  ['Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36', 40],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36', 7],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15', 5],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0', 3],
] as const;
const languages = [['en', 60], ['de', 20], ['fr', 8], ['es', 5], ['it', 4], ['nl', 3]] as const;
export const demoRouters = [
  { id: 'bar', type: 'wifidog', name: 'Bar', weight: 50, sessions: true },
  { id: 'terrace', type: 'pfsense', name: 'Terrace', weight: 20, sessions: false },
  { id: 'hall', type: 'wifidog', name: 'Function room', weight: 30, sessions: true },
] as const;

const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;

/** The venue's first midnight at or after `days` days before `endAt`. */
function historyStart(options: DemoOptions): number {
  let at = Math.floor((options.endAt - options.days * dayMs) / hourMs) * hourMs;
  while (localCalendar(at, options.timezone).hour !== 0 && at < options.endAt - dayMs) at += hourMs;
  return at;
}

/** A device's lasting traits, derived from its number so that nothing per device is kept in memory. */
function device(index: number, seed: number) {
  const random = randomSource(seed ^ Math.imul(index + 1, 0x9e3779b1));
  const bytes = Array.from({ length: 6 }, () => Math.floor(random() * 256));
  // About two in three phones use a private (locally administered) address; the others a vendor one.
  bytes[0] = random() < 0.65 ? (bytes[0] & 0xfc) | 0x02 : bytes[0] & 0xfc;
  return {
    mac: bytes.map((b) => b.toString(16).padStart(2, '0')).join(':'),
    ip: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`,
    userAgent: pick(random, userAgents),
    language: pick(random, languages),
  };
}

/** The venue, its routers and three releases of the terms over the history, each in English and German. */
export async function setUpDemoVenue(store: Store, options: DemoOptions): Promise<DemoVenue> {
  const start = historyStart(options);
  const { venue } = options;
  const site = venue
    ? await createVenue(store, { slug: venue.slug, name: venue.name, timezone: options.timezone }, start)
    : await store.updateSite((await ensureVenue(store, start)).id, { name: 'Harbour Café', websiteUrl: 'https://harbour-cafe.example/', timezone: options.timezone });
  // Router ids are unique in the installation: another venue's routers carry its slug.
  const routers = demoRouters.map((router) => ({ ...router, id: venue ? `${venue.slug}-${router.id}` : router.id }));
  for (const router of routers) {
    if (await store.getGateway(router.id)) continue;
    await store.addGateway({
      id: router.id, siteId: site.id, type: router.type, name: router.name, settings: router.type === 'wifidog' ? { checkIntervalSeconds: 60 } : {},
    }, start);
  }
  const span = options.endAt - start;
  const releases: DemoVenue['releases'] = [];
  for (const [index, at] of [start, start + span * 0.4, start + span * 0.8].entries()) {
    const published = await store.publishTerms(site.id, termsTexts([
      { language: 'en', body: `Terms of use, release ${index + 2}.` }, { language: 'de', body: `Nutzungsbedingungen, Fassung ${index + 2}.` },
    ]), Math.round(at));
    releases.push({ from: Math.round(at), versions: new Map(published.map((version) => [version.language, version])) });
  }
  return { site, routers, releases };
}

/**
 * The hours of the history, each weighted by the venue's local hour, weekday, season and the day's own
 * luck, the last one by the part of it already past: the acceptances are shared out in proportion, so
 * the total is exact and today holds only what happened by now.
 */
function hourlyCounts(options: DemoOptions, random: () => number): { from: number; to: number; count: number }[] {
  const end = options.endAt - 60_000;
  const dayLuck = new Map<string, number>();
  const hours: { from: number; to: number; weight: number }[] = [];
  for (let from = historyStart(options); from < end; from += hourMs) {
    const local = localCalendar(from, options.timezone);
    if (!dayLuck.has(local.day)) dayLuck.set(local.day, 0.75 + random() * 0.5);
    const month = Number(local.day.slice(5, 7));
    const season = 1 + 0.3 * Math.sin(((month - 4) / 12) * 2 * Math.PI);
    const to = Math.min(from + hourMs, end);
    hours.push({ from, to, weight: hourWeights[local.hour] * weekdayWeights[local.weekday - 1] * season * dayLuck.get(local.day)! * ((to - from) / hourMs) });
  }
  const total = hours.reduce((sum, hour) => sum + hour.weight, 0);
  let sharedBefore = 0;
  let weightBefore = 0;
  return hours.map(({ from, to, weight }) => {
    weightBefore += weight;
    const sharedNow = total === 0 ? 0 : Math.round((options.acceptances * weightBefore) / total);
    const count = sharedNow - sharedBefore;
    sharedBefore = sharedNow;
    return { from, to, count };
  });
}

/** The visits in time order. */
export function* demoVisits(venue: DemoVenue, deviceKey: Buffer, options: DemoOptions): Generator<DemoVisit> {
  const seed = options.seed ?? 1;
  const random = randomSource(seed);
  // Regulars: a skewed pick over a pool a quarter the size of the acceptances makes many devices return.
  const pool = Math.max(10, Math.floor(options.acceptances / 4));
  let release = 0;
  for (const hour of hourlyCounts(options, random)) {
    const times = Array.from({ length: hour.count }, () => hour.from + Math.floor(random() * (hour.to - hour.from))).sort((a, b) => a - b);
    for (const at of times) {
      while (release + 1 < venue.releases.length && venue.releases[release + 1].from <= at) release++;
      const deviceIndex = Math.floor(pool * random() ** 3);
      const guest = device(deviceIndex, seed);
      const router = pick(random, venue.routers.map((r) => [r, r.weight] as const));
      const terms = venue.releases[release].versions.get(guest.language) ?? venue.releases[release].versions.get('en')!;
      const acceptance: NewAcceptance = {
        acceptedAt: at, gatewayId: router.id, termsVersionId: terms.id, deviceId: deviceIdFor(deviceKey, guest.mac), clientMac: guest.mac,
        clientIp: guest.ip, userAgent: guest.userAgent, language: guest.language, handoff: `${router.type} http://192.168.1.1:2060`,
      };
      if (!router.sessions) {
        yield { acceptance };
        continue;
      }
      const minutes = Math.min(240, Math.max(1, Math.round(Math.exp(2.5 + random() * 2.2))));
      const startedAt = at + 2_000;
      const endedAt = startedAt + minutes * 60_000;
      const bytes = Math.floor(minutes * 60 * (2_000 + random() * 60_000));
      yield {
        acceptance,
        session: { startedAt, endedAt: endedAt > options.endAt ? null : endedAt, bytesIn: Math.floor(bytes * 0.9), bytesOut: Math.floor(bytes * 0.1) },
      };
    }
  }
}

/** The routers as their last reports left them: the bar's alive, the function room's silent for ten minutes (the terrace's pfSense never reports). */
export async function recordDemoRouterHealth(store: Store, venue: DemoVenue, endAt: number): Promise<void> {
  const [bar, , hall] = venue.routers;
  await store.recordGatewayContact(bar.id, { sysUptime: 1_209_600, sysLoad: 0.32, daemonUptime: 1_209_000 }, endAt - 20_000);
  await store.recordGatewayContact(hall.id, { sysUptime: 86_400, sysLoad: 1.7, daemonUptime: 86_000 }, endAt - 600_000);
}

/** A live session's next report is due three check intervals after its last one, as a WiFiDog router's would be. */
export const demoReportDueMs = 3 * 60_000;

/** The history written as the guests and routers would have left it, through the store's contract. */
export async function writeDemoHistory(store: Store, deviceKey: Buffer, options: DemoOptions): Promise<{ site: Site; acceptances: number; sessions: number }> {
  const venue = await setUpDemoVenue(store, options);
  let acceptances = 0;
  let sessions = 0;
  for (const visit of demoVisits(venue, deviceKey, options)) {
    const recorded = await store.recordAcceptance(describeAcceptance(venue.site, visit.acceptance));
    acceptances++;
    if (!visit.session) continue;
    const { gatewayId, clientMac, clientIp, deviceId, acceptedAt } = visit.acceptance;
    const sessionKey = createHash('sha256').update(`demo-${recorded.id}`).digest('hex');
    await store.openGuestSession({
      gatewayId: gatewayId!, sessionKey, acceptanceId: recorded.id, siteId: venue.site.id, deviceId, clientMac, clientIp: clientIp!, startBy: acceptedAt + 300_000,
    });
    const { startedAt, endedAt, bytesIn, bytesOut } = visit.session;
    const lastReport = endedAt ?? options.endAt - 30_000;
    const started = await store.startGuestSession({
      gatewayId: gatewayId!, sessionKey, clientMac: clientMac!, clientIp: clientIp!, at: startedAt,
      localDay: localCalendar(startedAt, venue.site.timezone).day, reportDueAt: lastReport + demoReportDueMs,
    });
    if (!started) continue;
    sessions++;
    const bytes = { in: bytesIn, out: bytesOut };
    if (endedAt === null) await store.recordSessionReport(started.id, bytes, lastReport, lastReport + demoReportDueMs);
    else await store.endGuestSession(started.id, 'logout', endedAt, bytes);
  }
  await recordDemoRouterHealth(store, venue, options.endAt);
  return { site: venue.site, acceptances, sessions };
}
