import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { publicLink } from '../config';
import { UserError } from '../errors';
import { options, type StandaloneCommand } from './command';

const demoWeeks = 6;
/** About sixty guests a day: a busy café. */
const demoAcceptances = 2_500;
const demoAdmin = 'demo';

export const demo: StandaloneCommand = {
  name: 'demo',
  usage: () => [
    { form: '[--data-dir <folder>]', help: `six weeks of a made-up café's guests, sessions and routers in a folder of its own (default ./demo-data), to try the admin on` },
  ],

  async runAlone({ args, config, io }) {
    const { values } = options(args, { 'data-dir': { type: 'string' } }, 0);
    const folder = path.resolve(io.folder, values['data-dir'] ?? 'demo-data');
    // Made-up guests among a venue's real ones would be false evidence and false figures.
    if (folder === path.resolve(io.folder, config.dataDir)) {
      throw new UserError(`${folder} is Portico's data folder (DATA_DIR): the demo goes in a folder of its own; give one with --data-dir`);
    }
    // Always SQLite in its own folder, whatever DATABASE_URL says: the demo is never written into a real database.
    const demoConfig = { ...config, dataDir: folder, databaseUrl: null };
    const [{ openStore, storeExists, storeLocation }, { writeDemoHistory }, { createContext }, { loadOrCreateSecret }, { hashPassword }, { serverTimeZone }] =
      await Promise.all([
        import('../store/open.js'), import('../demo-data.js'), import('../context.js'), import('../secret.js'), import('../admin/passwords.js'),
        import('../venue-time.js'),
      ]);
    if (storeExists(demoConfig)) {
      throw new UserError(`there is a database at ${storeLocation(demoConfig)} already: remove ${folder} to make the demo anew, or give another folder with --data-dir`);
    }
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    const store = await openStore(demoConfig, 'command');
    const password = randomBytes(12).toString('base64url');
    try {
      const { deviceId } = createContext(demoConfig, store, loadOrCreateSecret(folder), io.now).keys;
      const made = await writeDemoHistory(store, deviceId, {
        acceptances: demoAcceptances, endAt: io.now(), days: demoWeeks * 7, timezone: serverTimeZone(),
      });
      await store.addAdminUser(demoAdmin, await hashPassword(password), io.now());
      const routers = await store.listGateways();
      const shown = path.relative(io.folder, folder) || '.';
      io.out([
        `Made a demo of "${made.site.name}" in ${folder}: ${made.acceptances.toLocaleString('en')} guests' acceptances over ${demoWeeks} weeks, `
        + `${made.sessions.toLocaleString('en')} sessions, ${routers.length} routers (time zone ${made.site.timezone}).`,
        'Start Portico on it (from this folder):',
        `  DATA_DIR=${shown.startsWith('..') ? folder : shown} npm start`,
        `then open ${publicLink(config, 'admin/')} and sign in as "${demoAdmin}" with the password ${password}`,
        `Every guest in it is made up: keep it away from your venue's data, and remove the folder when you are done.`,
        '',
      ].join('\n'));
    } finally {
      await store.close();
    }
  },
};
