import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import request from 'supertest';
import { createApp } from '../app/app';
import { loadConfig } from '../app/config';
import { createContext } from '../app/context';
import { loadOrCreateSecret } from '../app/secret';
import { openSqliteStore } from '../app/store/sqlite';
import { localCalendar, serverTimeZone } from '../app/venue-time';
import { csrfOf } from './admin/admin-helpers';
import { runCli, tempDir } from './helpers';
import { rawDatabase } from './store/raw';

/** A moment at half past one at night in this server's zone: when the old seed crammed the day's leftover guests into the last hour. */
function halfPastOneAtNight(): number {
  let at = Date.UTC(2026, 11, 3, 0, 30);
  while (localCalendar(at, serverTimeZone()).hour !== 1) at += 60 * 60 * 1000;
  return at;
}

describe('portico demo: a made-up venue in a folder of its own', () => {
  it('writes six weeks of guests across the opening hours, with sessions and routers, and says how to start on it', async () => {
    const folder = tempDir();
    const now = halfPastOneAtNight();
    const result = await runCli(['demo', '--data-dir', 'cafe-demo'], { dataDir: path.join(folder, 'data'), folder, now: () => now, publicUrl: 'http://portal.test/' });
    assert.equal(result.code, 0, result.err);
    const demoDir = path.join(folder, 'cafe-demo');
    assert.match(result.out, /^ {2}DATA_DIR=cafe-demo npm start$/m);
    const password = /sign in as "demo" with the password (\S+)$/m.exec(result.out)?.[1];
    assert.ok(password, result.out);
    assert.equal(fs.existsSync(path.join(folder, 'data')), false, 'the real data folder is not touched');

    const config = loadConfig({ DATA_DIR: demoDir, PUBLIC_URL: 'http://portal.test/' });
    const store = openSqliteStore(config.dataDir);
    try {
      const db = rawDatabase(store);
      const timeZone = serverTimeZone();
      const acceptances = db.prepare<[], { accepted_at: number; local_day: string; local_hour: number }>('SELECT accepted_at, local_day, local_hour FROM acceptances').all();
      assert.equal(acceptances.length, 2500);
      assert.equal(new Set(acceptances.map((row) => row.local_day)).size, 42, 'six weeks of days');
      assert.ok(acceptances.every((row) => row.accepted_at < now), 'nobody after now');
      assert.deepEqual(acceptances.filter((row) => row.local_hour >= 2 && row.local_hour < 7), [], 'nobody while the café is closed');
      const byHour = new Map<number, number>();
      for (const row of acceptances) byHour.set(row.local_hour, (byHour.get(row.local_hour) ?? 0) + 1);
      const busiest = [...byHour].sort((a, b) => b[1] - a[1])[0][0];
      assert.ok(busiest >= 12 && busiest <= 21, `the busiest hour is at lunch or in the evening, not ${busiest}`);
      const today = localCalendar(now, timeZone).day;
      const todays = acceptances.filter((row) => row.local_day === today).length;
      assert.ok(todays < 2500 / 42 / 4, `an hour and a half into the day holds only its share, not ${todays}`);

      const sessions = db.prepare<[], { n: number; ended: number; bytes: number }>(
        'SELECT count(*) AS n, count(ended_at) AS ended, sum(bytes_in + bytes_out) AS bytes FROM guest_sessions WHERE started_at IS NOT NULL').get()!;
      assert.ok(sessions.n > 1000 && sessions.bytes > 0, JSON.stringify(sessions));
      assert.deepEqual((await store.listGateways()).map((router) => router.type).sort(), ['pfsense', 'wifidog', 'wifidog']);

      // Started as it says, the admin opens on the demo's dashboard with the printed password.
      const app = createApp(createContext(config, store, loadOrCreateSecret(demoDir), () => now));
      const agent = request.agent(app);
      const login = await agent.get('/admin/login').expect(200);
      await agent.post('/admin/login').type('form').send({ _csrf: csrfOf(login.text), username: 'demo', password }).expect(303);
      const dashboard = await agent.get('/admin/venues/1/dashboard');
      assert.equal(dashboard.status, 200, String(dashboard.headers.location));
      assert.match(dashboard.text, /Harbour Café/);
      assert.match(dashboard.text, /Function room/);
    } finally {
      await store.close();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('never writes into an existing database or Portico\'s own data folder', async () => {
    const folder = tempDir();
    try {
      const dataDir = path.join(folder, 'data');
      assert.equal((await runCli(['gateway', 'add', '--type', 'pfsense', '--id', 'lobby', '--address', '192.168.1.1:8002'], { dataDir, folder })).code, 0);
      const before = fs.readFileSync(path.join(dataDir, 'portico.db'));

      const intoData = await runCli(['demo', '--data-dir', 'data'], { dataDir, folder });
      assert.equal(intoData.code, 1);
      assert.match(intoData.err, /is Portico's data folder \(DATA_DIR\): the demo goes in a folder of its own; give one with --data-dir/);

      assert.equal((await runCli(['demo'], { dataDir, folder })).code, 0, 'the default folder is ./demo-data');
      const again = await runCli(['demo'], { dataDir, folder });
      assert.equal(again.code, 1);
      assert.match(again.err, /there is a database at .*demo-data.portico\.db already: remove .*demo-data to make the demo anew/);
      assert.deepEqual(fs.readFileSync(path.join(dataDir, 'portico.db')), before, 'the venue\'s database is as it was');

      const wrong = await runCli(['demo', '--days', '3'], { dataDir, folder });
      assert.equal(wrong.code, 2);
      assert.match(wrong.err, /unknown option --days/);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
