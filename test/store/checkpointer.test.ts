import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { checkpointFailureReporter } from '../../app/store/sqlite/checkpointer';
import { openSqliteStore } from '../../app/store/sqlite';
import { tempDir, testClock } from '../helpers';
import { captureLog } from '../log-capture';
import { rawDatabase } from './raw';

describe('WAL checkpoints on a worker thread', () => {
  it('copies committed pages into the database file while the server connection leaves them, and stops on close', async () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'portico.db');
    const store = openSqliteStore(dataDir, { backgroundCheckpoints: true });
    try {
      // The server's own connection checkpoints only past 20,000 pages; about 1,300 pages are written here.
      rawDatabase(store).exec('CREATE TABLE filler (text TEXT)');
      const insert = rawDatabase(store).prepare('INSERT INTO filler (text) VALUES (?)');
      await sleep(600); // the worker's checkpoints take the table into the file first
      const before = fs.statSync(file).size;
      rawDatabase(store).transaction(() => { for (let i = 0; i < 5000; i++) insert.run('x'.repeat(1000)); })();
      assert.equal(fs.statSync(file).size, before, 'the commit itself is in the WAL only');
      let size = before;
      for (let waited = 0; waited < 5000 && size < before + 4_000_000; waited += 100) {
        await sleep(100);
        size = fs.statSync(file).size;
      }
      assert.ok(size >= before + 4_000_000, `the database file grew from ${before} to ${size} bytes`);
    } finally {
      await store.close();
    }
    assert.equal(rawDatabase(store).open, false);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports failing checkpoints once a minute, with how many failed, not four lines a second', async () => {
    const clock = testClock();
    const report = checkpointFailureReporter(clock);
    const { lines } = await captureLog(async () => {
      for (let tick = 0; tick < 4 * 150; tick++) { // 150 s of a failure every 250 ms
        report('disk I/O error');
        clock.advance(250);
      }
    });
    const warnings = lines.split('\n').filter((line) => line.includes('WAL checkpoint failed'));
    assert.equal(warnings.length, 3);
    assert.match(warnings[0], /failures=1\b/);
    assert.match(warnings[1], /failures=240\b/);
  });
});
