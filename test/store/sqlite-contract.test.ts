import fs from 'node:fs';
import { openSqliteStore } from '../../app/store/sqlite';
import { tempDir } from '../helpers';
import { storeContract } from './contract';

storeContract('SQLite', async () => {
  const dir = tempDir();
  const store = openSqliteStore(dir);
  return {
    store,
    async close() {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
