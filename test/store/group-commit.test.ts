import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSqliteStore, type SqliteStore } from '../../app/store/sqlite';
import type { NewAcceptance, Site } from '../../app/store/types';
import { ensureVenue } from '../../app/venue-settings';
import { tempDir } from '../helpers';
import { describeAcceptance } from '../../app/acceptance-record';
import { rawDatabase, openDatabaseFile } from './raw';

describe('SQLite store: acceptances arriving together share one commit', () => {
  let dir: string;
  let store: SqliteStore;
  let site: Site;
  let acceptance: NewAcceptance;
  before(async () => {
    dir = tempDir();
    store = openSqliteStore(dir);
    site = await ensureVenue(store, 1_000);
    const terms = (await store.currentTerms(site.id))!;
    acceptance = {
      acceptedAt: 2_000, gatewayId: null, termsVersionId: terms.id, deviceId: null, clientMac: null, clientIp: '10.0.0.2',
      userAgent: null, language: 'en', handoff: 'test',
    };
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('resolves each only once it is committed, and a bad one fails alone', async () => {
    const otherConnection = openDatabaseFile(path.join(dir, 'portico.db'), { readonly: true });
    const committed = () => (otherConnection.prepare('SELECT count(*) AS n FROM acceptances').get() as { n: number }).n;
    try {
      const results = await Promise.allSettled([
        store.recordAcceptance(describeAcceptance(site, acceptance)).then((row) => ({ row, seen: committed() })),
        store.recordAcceptance(describeAcceptance(site, { ...acceptance, termsVersionId: 9_999 })), // no such terms: the foreign key refuses it
        store.recordAcceptance(describeAcceptance(site, acceptance)).then((row) => ({ row, seen: committed() })),
      ]);
      assert.equal(results[1].status, 'rejected');
      assert.match(String((results[1] as PromiseRejectedResult).reason), /FOREIGN KEY/);
      const [first, third] = [results[0], results[2]].map((r) => (r as PromiseFulfilledResult<{ row: { id: number }; seen: number }>).value);
      assert.ok(first.row.id < third.row.id);
      assert.equal(first.seen, 2, 'another connection sees both rows when the first acceptance resolves');
      assert.equal(committed(), 2);
    } finally {
      otherConnection.close();
    }
  });

  it('joins a transaction the caller holds (bulk imports), so the caller decides the commit', async () => {
    const before = (rawDatabase(store).prepare('SELECT count(*) AS n FROM acceptances').get() as { n: number }).n;
    rawDatabase(store).exec('BEGIN');
    await store.recordAcceptance(describeAcceptance(site, acceptance));
    assert.ok(rawDatabase(store).inTransaction);
    rawDatabase(store).exec('ROLLBACK');
    assert.equal((rawDatabase(store).prepare('SELECT count(*) AS n FROM acceptances').get() as { n: number }).n, before);
  });
});
