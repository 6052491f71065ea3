import { createContext, type Context } from '../app/context';
import type { Config } from '../app/config';
import { deviceIdFor } from '../app/device-id';
import { loadOrCreateSecret } from '../app/secret';
import type { Site, Store, TermsVersion } from '../app/store/types';
import { ensureVenue } from '../app/venue-settings';
import { describeAcceptance } from '../app/acceptance-record';
import { rawDatabase } from '../test/store/raw';
import { termsTexts } from '../app/content-digests';

/**
 * Realistic demo data in bulk: a venue with three routers, a year of guests with weekly and daily
 * rhythms, regulars who come back, phones with random MACs, WiFiDog sessions with data counters.
 * Used by the statistics benchmark, the overall benchmark and the README screenshot. Acceptances go
 * through the store's recordAcceptance (the real insert, roll-ups and derived figures), many per transaction.
 */
export interface SeedOptions {
  acceptances: number;
  /** The last acceptance happens shortly before this moment; the data reaches back `days` days. */
  endAt: number;
  days?: number;
  timezone?: string;
  /** The same seed gives the same data. */
  seed?: number;
  /** Called now and then with the number of acceptances written so far. */
  progress?: (written: number) => void;
}

export interface SeedResult {
  site: Site;
  ctx: Context;
  acceptances: number;
  sessions: number;
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

function pick<T>(random: () => number, weighted: [T, number][]): T {
  let r = random() * weighted.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [value, weight] of weighted) if ((r -= weight) < 0) return value;
  return weighted[weighted.length - 1][0];
}

// A café-bar: quiet mornings, lunch, a long evening; nothing between 2 and 6.
const hourWeights = [2, 1, 0, 0, 0, 0, 0, 1, 3, 5, 5, 6, 10, 10, 6, 5, 5, 7, 10, 12, 12, 10, 7, 4];
const weekdayWeights = [0.8, 0.8, 0.9, 1.0, 1.3, 1.5, 1.1]; // Monday … Sunday
const userAgents: [string, number][] = [
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148', 45],
  ['Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36', 40],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36', 7],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15', 5],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0', 3],
];
const languages: [string, number][] = [['en', 60], ['de', 20], ['fr', 8], ['es', 5], ['it', 4], ['nl', 3]];
const gateways = [
  { id: 'bar', type: 'wifidog', name: 'Bar', weight: 50, sessions: true },
  { id: 'terrace', type: 'pfsense', name: 'Terrace', weight: 20, sessions: false },
  { id: 'hall', type: 'wifidog', name: 'Function room', weight: 30, sessions: true },
];

const dayMs = 24 * 60 * 60 * 1000;
const batchSize = 50_000;

/** A device's lasting traits, derived from its number so that nothing per device is kept in memory. */
function device(index: number, seed: number) {
  const random = randomSource(seed ^ Math.imul(index + 1, 0x9e3779b1));
  const bytes = Array.from({ length: 6 }, () => Math.floor(random() * 256));
  // About two in three phones use a private (locally administered) address; the others a vendor one.
  bytes[0] = random() < 0.65 ? (bytes[0] & 0xfc) | 0x02 : bytes[0] & 0xfc;
  return {
    mac: bytes.map((b) => b.toString(16).padStart(2, '0')).join(':'),
    userAgent: pick(random, userAgents),
    language: pick(random, languages),
  };
}

export async function seedDemoData(store: Store, config: Config, options: SeedOptions): Promise<SeedResult> {
  const days = options.days ?? 365;
  const seed = options.seed ?? 1;
  const random = randomSource(seed);
  const now = options.endAt;
  // Days start at midnight UTC, so that UTC hour + 1 is the hour in Central European winter time.
  const start = Math.floor((now - (days - 1) * dayMs) / dayMs) * dayMs;
  let site = await ensureVenue(store, start);
  site = await store.updateSite(site.id, { name: 'Harbour Café', websiteUrl: 'https://harbour-cafe.example/', timezone: options.timezone ?? 'Europe/Berlin' });
  const ctx = createContext(config, store, loadOrCreateSecret(config.dataDir), () => now);
  for (const g of gateways) {
    if (!(await store.getGateway(g.id))) await store.addGateway({ id: g.id, siteId: site.id, type: g.type, name: g.name, settings: g.type === 'wifidog' ? { checkIntervalSeconds: 60 } : {} }, start);
  }

  // Three releases of the terms over the period, each in English and German.
  const releases: { from: number; versions: Map<string, TermsVersion> }[] = [];
  for (const [index, at] of [start, start + days * 0.4 * dayMs, start + days * 0.8 * dayMs].entries()) {
    const published = await store.publishTerms(site.id, termsTexts([
      { language: 'en', body: `Terms of use, release ${index + 2}.` }, { language: 'de', body: `Nutzungsbedingungen, Fassung ${index + 2}.` },
    ]), at);
    releases.push({ from: at, versions: new Map(published.map((v) => [v.language, v])) });
  }

  // Acceptance times: days weighted by weekday and a gentle summer peak, hours by the venue's rhythm.
  // The local hour is approximated as UTC + 1 for the weights only; the store computes the real one.
  const dayWeights = Array.from({ length: days }, (_, d) => {
    const at = new Date(start + d * dayMs);
    return weekdayWeights[(at.getUTCDay() + 6) % 7] * (1 + 0.3 * Math.sin(((at.getUTCMonth() - 3) / 12) * 2 * Math.PI));
  });
  const dayTotal = dayWeights.reduce((a, b) => a + b, 0);
  const hourTotal = hourWeights.reduce((a, b) => a + b, 0);
  // Regulars: a skewed pick over a pool a quarter the size of the acceptances makes many devices return.
  const pool = Math.max(10, Math.floor(options.acceptances / 4));

  // Sessions are written whole, as their router's reports over time would have left them.
  const db = rawDatabase(store);
  const insertSession = db.prepare(`INSERT INTO guest_sessions (acceptance_id, site_id, gateway_id, session_key, device_id, client_mac, client_ip,
      start_by, started_at, local_day, last_counters_at, bytes_in, bytes_out, ended_at, end_reason, report_due_at)
    VALUES (@acceptanceId, @siteId, @gatewayId, @sessionKey, @deviceId, @mac, @ip, @expires, @started, @day, @counters, @bytesIn, @bytesOut, @ended, @reason,
      @reportDueAt)`);

  let written = 0;
  let sessions = 0;
  let releaseIndex = 0;
  for (let d = 0; d < days && written < options.acceptances; d++) {
    const target = d === days - 1 ? options.acceptances - written
      : Math.min(options.acceptances - written, Math.round((options.acceptances * dayWeights[d]) / dayTotal));
    // Sorted times keep each day's inserts in order, as real acceptances arrive.
    const times: number[] = [];
    for (let i = 0; i < target; i++) {
      let r = random() * hourTotal;
      let hour = 0;
      while ((r -= hourWeights[hour]) >= 0) hour++;
      const dayStart = start + d * dayMs;
      const at = dayStart + ((hour + 23) % 24) * 3_600_000 + Math.floor(random() * 3_600_000);
      // Today's guests have only come until now.
      times.push(at < now - 60_000 ? at : dayStart + Math.floor(random() * (now - 60_000 - dayStart)));
    }
    times.sort((a, b) => a - b);
    if (!db.inTransaction) db.exec('BEGIN');
    for (const at of times) {
      while (releaseIndex + 1 < releases.length && releases[releaseIndex + 1].from <= at) releaseIndex++;
      const deviceIndex = Math.floor(pool * random() ** 3);
      const guest = device(deviceIndex, seed);
      const gateway = pick(random, gateways.map((g) => [g, g.weight] as [typeof g, number]));
      const terms = releases[releaseIndex].versions.get(guest.language) ?? releases[releaseIndex].versions.get('en')!;
      const deviceId = deviceIdFor(ctx.keys.deviceId, guest.mac);
      const ip = `10.${(deviceIndex >> 16) & 255}.${(deviceIndex >> 8) & 255}.${deviceIndex & 255}`;
      const acceptance = await store.recordAcceptance(describeAcceptance(site, {
        acceptedAt: at, gatewayId: gateway.id, termsVersionId: terms.id, deviceId, clientMac: guest.mac, clientIp: ip,
        userAgent: guest.userAgent, language: guest.language, handoff: `${gateway.type} http://192.168.1.1:2060`,
      }));
      if (gateway.sessions) {
        const minutes = Math.min(240, Math.max(1, Math.round(Math.exp(2.5 + random() * 2.2))));
        const started = at + 2_000;
        const ended = started + minutes * 60_000;
        const running = ended > now;
        const bytes = Math.floor(minutes * 60 * (2_000 + random() * 60_000));
        insertSession.run({
          acceptanceId: acceptance.id, siteId: site.id, gatewayId: gateway.id, sessionKey: `seed-${seed}-${acceptance.id}`, deviceId, mac: guest.mac, ip,
          expires: at + 300_000, started, day: acceptance.localDay, counters: running ? now - 30_000 : ended,
          bytesIn: Math.floor(bytes * 0.9), bytesOut: Math.floor(bytes * 0.1), ended: running ? null : ended, reason: running ? null : 'logout',
          // A live session is one its router keeps reporting: due three check intervals after its last report.
          reportDueAt: running ? now - 30_000 + 3 * 60_000 : null,
        });
        sessions++;
      }
      written++;
      if (written % batchSize === 0) {
        db.exec('COMMIT');
        options.progress?.(written);
        db.exec('BEGIN');
      }
    }
  }
  if (db.inTransaction) db.exec('COMMIT');

  // The routers as their last pings left them: two alive, one silent for ten minutes.
  await store.recordGatewayContact('bar', { sysUptime: 1_209_600, sysLoad: 0.32, daemonUptime: 1_209_000 }, now - 20_000);
  await store.recordGatewayContact('hall', { sysUptime: 86_400, sysLoad: 1.7, daemonUptime: 86_000 }, now - 600_000);
  return { site, ctx, acceptances: written, sessions };
}
