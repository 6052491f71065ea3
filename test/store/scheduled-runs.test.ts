import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { scheduledRuns } from '../../app/store/open';
import { openSqliteStore } from '../../app/store/sqlite';
import { tempDir } from '../helpers';

// PostgreSQL's claim, shared by the instances, is raced in postgres-instances.test.ts.
describe('scheduled jobs on SQLite', () => {
  it('run at once, then again only once their interval has passed', async () => {
    const dir = tempDir();
    const store = openSqliteStore(dir);
    try {
      const claim = scheduledRuns(store);
      assert.equal(await claim('purge', 1000, 100), true);
      assert.equal(await claim('purge', 1099, 100), false);
      assert.equal(await claim('other', 1099, 100), true, 'each job on its own');
      assert.equal(await claim('purge', 1100, 100), true);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
