import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it, test } from 'node:test';
import { seedDemoData } from '../../bench/seed';
import { loadConfig } from '../../app/config';
import { loadOrCreateSecret } from '../../app/secret';
import { openPostgresStore } from '../../app/store/postgres';
import { openSqliteStore } from '../../app/store/sqlite';
import type { Store } from '../../app/store/types';
import { runCli, tempDir } from '../helpers';
import { dropSchema, notRun, postgresUrl, schemaName } from '../postgres/database';
import { rawDatabase } from './raw';

/*
 * `npx portico db copy --to postgres://…` from a real SQLite installation (a year of the demo venue, an
 * operator and a venue manager) into an empty PostgreSQL schema, read back through the PostgreSQL store.
 */

const endAt = Date.UTC(2026, 10, 27, 12);

async function figures(store: Store) {
  const site = (await store.getDefaultSite())!;
  return {
    sites: (await store.listSites()).map(({ slug, name, timezone }) => ({ slug, name, timezone })),
    routers: (await store.listGateways()).map(({ id, siteId, type, settings }) => ({ id, siteId, type, settings })),
    terms: (await store.listTerms(site.id)).map(({ id, release, language }) => ({ id, release, language })),
    admins: (await store.listAdminUsers()).map(({ username, role, venueIds }) => ({ username, role, venueIds })),
    owner: (await store.findAdminUser('owner'))?.passwordHash,
    statistics: await store.statistics({ siteId: site.id, fromDay: '2026-06-01', toDay: '2026-11-27', now: endAt }),
  };
}

if (notRun) test('db copy from SQLite to PostgreSQL', { skip: notRun }, () => {});
else describe('db copy from SQLite to PostgreSQL', () => {
  const dataDir = tempDir();
  const schema = schemaName();
  const url = `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  let counts: Map<string, number>;
  let expected: Awaited<ReturnType<typeof figures>>;

  before(async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const store = openSqliteStore(dataDir);
    await seedDemoData(store, config, { acceptances: 3000, endAt, days: 200 });
    await store.close();
    for (const [argv, stdin] of [
      [['admin', 'add', 'owner', '--password-stdin'], 'a long owner password'],
      [['venue', 'add', 'harbour', '--name', 'Harbour Bar'], undefined],
      [['admin', 'add', 'ann', '--password-stdin', '--venue', 'harbour'], 'a long manager password'],
    ] as const) {
      const result = await runCli([...argv], { dataDir, stdin });
      assert.equal(result.code, 0, result.err);
    }
    const source = openSqliteStore(dataDir);
    const db = rawDatabase(source);
    counts = new Map(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'").all()
      .map(({ name }) => [name, (db.prepare(`SELECT count(*) AS n FROM ${name}`).get() as { n: number }).n]));
    expected = await figures(source);
    await source.close();
    await (await openPostgresStore(postgresUrl, { schema })).close(); // the schema the URL names
  });
  after(async () => {
    await dropSchema(schema);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('copies every table with its counts checked, and the PostgreSQL store then serves the same installation with the same secret', async () => {
    const filled = [...counts].filter(([, n]) => n > 0).map(([table]) => table);
    assert.ok(filled.length >= 11, `most tables hold rows: ${filled.join(', ')}`);
    const copied = await runCli(['db', 'copy', '--to', url], { dataDir });
    assert.equal(copied.code, 0, copied.err);
    for (const [table, n] of counts) assert.match(copied.out, new RegExp(`^${table}\\t${n}$`, 'm'), table);
    assert.match(copied.out, /every count matched/);
    assert.doesNotMatch(copied.out, /password/);

    const target = await openPostgresStore(postgresUrl, { schema });
    try {
      // Planner statistics made for every table filled (reltuples is -1 until a table is vacuumed or analysed). Whether the
      // vacuum could mark pages all-visible depends on the oldest transaction open anywhere in the database, so not here.
      const { rows: unanalysed } = await target.pool.query(`SELECT c.relname FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relname = ANY($1) AND c.reltuples < 0`, [filled]);
      assert.deepEqual(unanalysed, []);
      assert.deepEqual(target.secret, loadOrCreateSecret(dataDir), 'device ids and signed pages stay valid');
      assert.deepEqual(await figures(target), expected);
      // New rows go on after the copied ids.
      const site = await target.createSite({
        slug: 'third', name: 'Third', websiteUrl: 'https://third.example/', timezone: 'UTC', sessionMinutes: 60, rememberDays: 0, defaultLanguage: 'en', accentColor: '#123456',
      }, endAt);
      assert.equal(site.id, expected.sites.length + 1);
    } finally {
      await target.close();
    }
  });

  it('refuses a database that already holds Portico data, changing nothing, and a URL that is not PostgreSQL\'s', async () => {
    const again = await runCli(['db', 'copy', '--to', url], { dataDir });
    assert.equal(again.code, 1);
    assert.match(again.err, /already holds Portico data \(.*sites.*\): copy into an empty database/);
    const target = await openPostgresStore(postgresUrl, { schema });
    try {
      assert.equal((await target.listSites()).length, expected.sites.length + 1);
    } finally {
      await target.close();
    }
    const wrong = await runCli(['db', 'copy', '--to', 'mysql://db/portico'], { dataDir });
    assert.equal(wrong.code, 2);
    assert.match(wrong.err, /db copy needs --to postgres:\/\//);
    const away = await runCli(['db', 'copy', '--to', 'postgres://portico@/postgres?host=/nonexistent'], { dataDir });
    assert.equal(away.code, 1);
    assert.match(away.err, /^portico db: cannot reach the database: connect ENOENT/);
    assert.doesNotMatch(wrong.err + again.err + away.err, /^ {4}at /m);
  });
});
