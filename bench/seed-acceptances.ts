import { createHmac } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { localCalendar } from '../app/venue-time';

/*
 * Bulk seeding of past acceptances for the statistics scenarios: a year of a busy venue, spread
 * over its routers, with returning devices. Rows go straight into the database in large
 * transactions (the guest flow would take hours for ten million), after Portico created the schema.
 */

const dayMs = 24 * 60 * 60 * 1000;
const batch = 50_000;

export function seedAcceptances(dataDir: string, options: { add: number; until: number; gatewayIds: string[] }): void {
  const db = new Database(path.join(dataDir, 'portico.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const site = db.prepare('SELECT id, timezone FROM sites ORDER BY id LIMIT 1').get() as { id: number; timezone: string };
    const terms = db.prepare('SELECT id, language FROM terms_versions WHERE site_id = ? ORDER BY release DESC LIMIT 1').get(site.id) as { id: number; language: string };
    const insert = db.prepare(`INSERT INTO acceptances (accepted_at, local_day, local_hour, local_weekday, site_id, gateway_id,
        terms_version_id, device_id, client_mac, client_ip, user_agent, language, handoff)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    // Older rows first, so that each day's device rows arrive in time order as they would live.
    const span = 365 * dayMs;
    const start = options.until - span;
    const devices = Math.max(1, Math.floor(options.add / 4)); // about four visits per device
    const calendars = new Map<number, ReturnType<typeof localCalendar>>();
    const userAgents = [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
    ];
    const key = Buffer.alloc(32, 7);
    const insertBatch = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const at = Math.floor(start + (i / options.add) * span);
        const hour = Math.floor(at / 3_600_000);
        let calendar = calendars.get(hour);
        if (!calendar) {
          calendar = localCalendar(at, site.timezone);
          calendars.set(hour, calendar);
        }
        const device = (i * 7919) % devices;
        const mac = `02:00:${[device >>> 24, (device >>> 16) & 255, (device >>> 8) & 255, device & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
        const deviceId = createHmac('sha256', key).update(mac).digest('hex').slice(0, 32);
        insert.run(at, calendar.day, calendar.hour, calendar.weekday, site.id, options.gatewayIds[i % options.gatewayIds.length],
          terms.id, deviceId, mac, `10.${(device >>> 16) & 255}.${(device >>> 8) & 255}.${device & 255}`, userAgents[i % userAgents.length],
          terms.language, 'seeded');
      }
    });
    for (let from = 0; from < options.add; from += batch) insertBatch(from, Math.min(options.add, from + batch));
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}
