import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadOrCreateSecret } from '../../app/secret';
import { openSqliteStore } from '../../app/store/sqlite';
import { ensureVenue } from '../../app/venue-settings';
import { runCli, tempDir } from '../helpers';
import { openDatabaseFile } from './raw';

/** The permission bits of a file or folder, as `ls -l` shows them in octal. */
const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

// The database holds MACs, IPs and password hashes, the secret signs the guests' state: no other account may read them.
describe('data folder permissions', () => {
  const parent = tempDir();
  after(() => fs.rmSync(parent, { recursive: true, force: true }));
  const privateFiles = (dataDir: string) => ['portico.db', 'portico.db-wal', 'portico.db-shm', 'secret.key'].map((name) => path.join(dataDir, name));

  it('are 0700 for a fresh data folder and 0600 for the database, its -wal and -shm and secret.key', async () => {
    const dataDir = path.join(parent, 'fresh', 'data');
    const store = openSqliteStore(dataDir);
    await ensureVenue(store, Date.now());
    loadOrCreateSecret(dataDir);
    try {
      assert.equal(modeOf(dataDir), '700');
      for (const file of privateFiles(dataDir)) assert.equal(modeOf(file), '600', file);
    } finally {
      await store.close();
    }
  });

  it('are tightened at start for an installation an earlier version left readable by all', async () => {
    const dataDir = path.join(parent, 'earlier');
    const earlier = openSqliteStore(dataDir);
    await ensureVenue(earlier, Date.now());
    loadOrCreateSecret(dataDir);
    // Left open, as they were: the -wal and -shm stay behind while a connection holds them.
    for (const file of privateFiles(dataDir)) fs.chmodSync(file, 0o644);
    fs.chmodSync(dataDir, 0o755);
    const store = openSqliteStore(dataDir);
    loadOrCreateSecret(dataDir);
    try {
      assert.equal(modeOf(dataDir), '700');
      for (const file of privateFiles(dataDir)) assert.equal(modeOf(file), '600', file);
    } finally {
      await store.close();
      await earlier.close();
    }
  });

  it('are 0600 for a backup the CLI writes', async () => {
    const dataDir = path.join(parent, 'backed-up');
    const file = path.join(parent, 'backup.db');
    // A backup only reads: the data folder gets its database from a command that stores something.
    assert.equal((await runCli(['settings', 'set', 'venue_name', 'Backed up'], { dataDir, publicUrl: 'http://portal.test/' })).code, 0);
    const result = await runCli(['backup', file], { dataDir, publicUrl: 'http://portal.test/' });
    assert.equal(result.code, 0, result.err);
    assert.equal(modeOf(file), '600');
    assert.equal(modeOf(dataDir), '700');
    const copy = openDatabaseFile(file, { readonly: true });
    assert.equal(copy.prepare('SELECT count(*) AS n FROM sites').get()?.constructor, Object, 'the backup is a database');
    copy.close();
    const again = await runCli(['backup', file], { dataDir, publicUrl: 'http://portal.test/' });
    assert.equal(again.code, 1, 'an existing file is never overwritten');
  });
});
