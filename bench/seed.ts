import { describeAcceptance } from '../app/acceptance-record';
import type { Config } from '../app/config';
import { createContext, type Context } from '../app/context';
import { demoReportDueMs, demoVisits, recordDemoRouterHealth, setUpDemoVenue, type DemoOptions } from '../app/demo-data';
import { loadOrCreateSecret } from '../app/secret';
import type { Site, Store } from '../app/store/types';
import { rawDatabase } from '../test/store/raw';

/**
 * The demo venue's history (app/demo-data.ts) in bulk, for the statistics benchmark, the overall
 * benchmark and the admin's browser tests: acceptances through the store's recordAcceptance (the real
 * insert, roll-ups and derived figures), many per transaction; sessions written whole, as their
 * router's reports over time would have left them, since a million sessions through four calls each
 * would make the seeding, not the dashboard, what is measured.
 */
export interface SeedOptions extends Partial<Pick<DemoOptions, 'days' | 'timezone' | 'seed' | 'venue'>> {
  acceptances: number;
  endAt: number;
  /** Called now and then with the number of acceptances written so far. */
  progress?: (written: number) => void;
}

export interface SeedResult {
  site: Site;
  ctx: Context;
  acceptances: number;
  sessions: number;
}

const batchSize = 50_000;

export async function seedDemoData(store: Store, config: Config, options: SeedOptions): Promise<SeedResult> {
  const demo: DemoOptions = { days: 365, timezone: 'Europe/Berlin', seed: 1, ...options };
  const ctx = createContext(config, store, loadOrCreateSecret(config.dataDir), () => options.endAt);
  const venue = await setUpDemoVenue(store, demo);
  const db = rawDatabase(store);
  const insertSession = db.prepare(`INSERT INTO guest_sessions (acceptance_id, site_id, gateway_id, session_key, device_id, client_mac, client_ip,
      start_by, started_at, local_day, last_counters_at, bytes_in, bytes_out, ended_at, end_reason, report_due_at)
    VALUES (@acceptanceId, @siteId, @gatewayId, @sessionKey, @deviceId, @clientMac, @clientIp, @startBy, @startedAt, @localDay, @lastCountersAt,
      @bytesIn, @bytesOut, @endedAt, @endReason, @reportDueAt)`);

  let written = 0;
  let sessions = 0;
  db.exec('BEGIN');
  try {
    for (const { acceptance, session } of demoVisits(venue, ctx.keys.deviceId, demo)) {
      const recorded = await store.recordAcceptance(describeAcceptance(venue.site, acceptance));
      if (session) {
        const lastCountersAt = session.endedAt ?? options.endAt - 30_000;
        insertSession.run({
          acceptanceId: recorded.id, siteId: venue.site.id, gatewayId: acceptance.gatewayId, sessionKey: `seed-${demo.seed}-${recorded.id}`,
          deviceId: acceptance.deviceId, clientMac: acceptance.clientMac, clientIp: acceptance.clientIp, startBy: acceptance.acceptedAt + 300_000,
          startedAt: session.startedAt, localDay: recorded.localDay, lastCountersAt, bytesIn: session.bytesIn, bytesOut: session.bytesOut,
          endedAt: session.endedAt, endReason: session.endedAt === null ? null : 'logout',
          reportDueAt: session.endedAt === null ? lastCountersAt + demoReportDueMs : null,
        });
        sessions++;
      }
      if (++written % batchSize === 0) {
        db.exec('COMMIT');
        options.progress?.(written);
        db.exec('BEGIN');
      }
    }
    db.exec('COMMIT');
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
  }
  await recordDemoRouterHealth(store, venue, options.endAt);
  return { site: venue.site, ctx, acceptances: written, sessions };
}
