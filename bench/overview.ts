/**
 * `npm run bench:overview`: the operators' overview of all venues over 100 venues holding 1 M acceptances
 * between them (issue 17: under 300 ms). Seeds a fresh installation in bulk (bench/seed.ts, venue after
 * venue, each in a time zone of its own), then times the store's venueOverview in this process and the
 * page and its CSV from the real server behind its login: cold (first after start) and warm.
 *
 *   npm run bench:overview                                    100 venues, 1,000,000 acceptances
 *   npm run bench:overview -- --venues 20 --acceptances 200000
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../app/config';
import { log } from '../app/log';
import { openStore } from '../app/store/open';
import { rawDatabase } from '../test/store/raw';
import { addAdmin, signIn, timeViews, type Timing } from './admin';
import { startPortico } from './processes';
import { seedDemoData } from './seed';

log.setLevel('warn');

const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Europe/London', 'Australia/Sydney', 'America/Los_Angeles', 'UTC'];
const targetMs = 300;
const warmRuns = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function seed(dataDir: string, venues: number, acceptances: number, endAt: number): Promise<number> {
  const config = loadConfig({ DATA_DIR: dataDir });
  const store = await openStore(config, 'command');
  let written = 0;
  try {
    for (let n = 0; n < venues; n++) {
      // The total shared out exactly, whatever the division leaves over.
      const share = Math.floor((acceptances * (n + 1)) / venues) - Math.floor((acceptances * n) / venues);
      const slug = `venue-${String(n + 1).padStart(3, '0')}`;
      written += (await seedDemoData(store, config, {
        acceptances: share, endAt, seed: n + 1, timezone: zones[n % zones.length], venue: { slug, name: `Venue ${n + 1}` },
      })).acceptances;
      if ((n + 1) % 10 === 0) process.stderr.write(`  ${n + 1} venues, ${written.toLocaleString('en')} acceptances\n`);
    }
    rawDatabase(store).pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    await store.close();
  }
  return written;
}

/** The store's query alone, for every venue over 30 days: the first call after opening, then the median of repeats. */
async function timeStoreQuery(dataDir: string, endAt: number): Promise<Timing & { venues: number }> {
  const store = await openStore(loadConfig({ DATA_DIR: dataDir }), 'command');
  try {
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const query = { fromDay: day(endAt - 29 * 86_400_000), toDay: day(endAt), now: endAt };
    const times: number[] = [];
    let venues = 0;
    for (let i = 0; i < 1 + warmRuns; i++) {
      const started = process.hrtime.bigint();
      venues = (await store.venueOverview(query)).length;
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return { coldMs: times[0], warmMs: median(times.slice(1)), venues };
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { venues: { type: 'string', default: '100' }, acceptances: { type: 'string', default: '1000000' } } });
  const venues = Number(values.venues);
  const acceptances = Number(values.acceptances);
  if (!(venues > 0 && acceptances >= venues)) throw new Error('--venues and --acceptances must be positive, with at least one acceptance per venue');
  console.log(`Overview benchmark on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-bench-overview-'));
  try {
    const endAt = Date.now();
    const seedStarted = Date.now();
    const written = await seed(dataDir, venues, acceptances, endAt);
    const dbMb = fs.statSync(path.join(dataDir, 'portico.db')).size / 1e6;
    console.log(`${venues} venues in ${Math.min(venues, zones.length)} time zones, ${written.toLocaleString('en')} acceptances over 365 days: `
      + `seeded in ${((Date.now() - seedStarted) / 1000).toFixed(0)} s, database ${dbMb.toFixed(0)} MB`);

    // After seeding, so that the installation's venues are the seeded ones.
    const admin = await addAdmin(dataDir);
    if (!admin.ok) throw new Error(`admin add: ${admin.reason}`);
    const query = await timeStoreQuery(dataDir, endAt);
    if (query.venues !== venues) throw new Error(`venueOverview gave ${query.venues} rows for ${venues} venues`);

    const server = await startPortico({ dataDir });
    let page: Timing;
    let csv: Timing;
    try {
      const cookie = await signIn(server.url);
      const overview = new URL('admin/overview', server.url).href;
      // The default view (7 days) first, so that its first request is the cold one.
      page = await timeViews([overview, `${overview}?period=today`, `${overview}?period=30d`, `${overview}?period=30d&sort=acceptances&order=desc`], cookie, warmRuns);
      csv = await timeViews([`${overview}.csv?period=30d`], cookie, warmRuns);
    } finally {
      await server.stop();
    }

    console.log('                                          cold ms   warm ms');
    const line = (name: string, timing: Timing) => console.log(`  ${name.padEnd(38)} ${timing.coldMs.toFixed(1).padStart(7)}   ${timing.warmMs.toFixed(1).padStart(7)}`);
    line('store venueOverview (30 days)', query);
    line('GET /admin/overview (worst of 4 views)', page);
    line('GET /admin/overview.csv (30 days)', csv);
    const worst = Math.max(page.coldMs, csv.coldMs);
    console.log(`  target < ${targetMs} ms: ${worst < targetMs ? 'met' : 'NOT met'} (worst cold answer ${worst.toFixed(0)} ms)`);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
