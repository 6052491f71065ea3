import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyPassword } from '../../app/admin/passwords';
import { driverFor, reportIntervalOf } from '../../app/gateways';
import { loadConfig } from '../../app/config';
import { projectRoot } from '../../app/paths';
import { loadOrCreateSecret } from '../../app/secret';
import { venueStatistics } from '../../app/statistics';
import type { Store } from '../../app/store/types';
import { openTestStore, tempDir } from '../helpers';

/**
 * test/fixtures/before-venues/ was made by Portico as it was before venues (6874239, migrations up to 018) with its
 * own command line: `settings set`, `gateway add` (a pfSense and a WiFiDog router), `admin add owner`, `gateway page
 * terrace` (the page the owner uploaded to pfSense, terrace-page.html), the seeding of bench/seed.ts (60 acceptances, its own website and time zone,
 * 47 sessions, a third router) and `stats --json --from 2026-11-20 --to 2026-11-30` (stats.json).
 */
const fixture = path.join(projectRoot, 'test', 'fixtures', 'before-venues');

describe('an installation made before venues, opened by this Portico', () => {
  let dataDir: string;
  let store: Store;
  before(() => {
    dataDir = tempDir();
    for (const file of ['portico.db', 'secret.key']) fs.copyFileSync(path.join(fixture, file), path.join(dataDir, file));
    store = openTestStore(dataDir);
  });
  after(async () => {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('becomes its first venue, "main", with its settings, terms, routers and evidence', async () => {
    const [venue, ...others] = await store.listSites();
    assert.deepEqual(others, []);
    assert.deepEqual([venue.slug, venue.name, venue.websiteUrl, venue.removedAt], ['main', 'Harbour Café', 'https://harbour-cafe.example/', null]);
    assert.deepEqual((await store.listGateways(venue.id)).map((gateway) => gateway.id), ['bar', 'hall', 'terrace']);
    assert.equal(await store.countAcceptances({ siteId: venue.id }), 60);
    assert.equal(new Set((await store.listTerms(venue.id)).map((terms) => terms.release)).size > 0, true);
  });

  it('keeps its owner, now an operator, with the same password', async () => {
    const owner = (await store.findAdminUser('owner'))!;
    assert.deepEqual([owner.role, owner.venueIds], ['operator', []]);
    assert.equal(await verifyPassword('harbour owner pw', owner.passwordHash), true);
  });

  it('shows the same figures as before', async () => {
    const venue = (await store.getDefaultSite())!;
    const old = JSON.parse(fs.readFileSync(path.join(fixture, 'stats.json'), 'utf8')) as Record<string, unknown>;
    const now = await venueStatistics(store, venue, { fromDay: '2026-11-20', toDay: '2026-11-30' }, null, Date.UTC(2026, 11, 1), () => reportIntervalOf);
    for (const field of ['acceptances', 'uniqueDevices', 'newDevices', 'returningDevices', 'days', 'hours', 'byTermsRelease', 'byLanguage', 'sessions', 'bytes', 'averageSessionSeconds']) {
      assert.deepEqual((now as unknown as Record<string, unknown>)[field], old[field], field);
    }
  });

  it('needs no new page on the pfSense router: the page it makes is the one uploaded before', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'http://portal.test/' });
    const terrace = (await store.getGateway('terrace'))!;
    const page = driverFor('pfsense')!.uploadPage!(terrace, (await store.getSite(terrace.siteId))!, config);
    assert.equal(page, fs.readFileSync(path.join(fixture, 'terrace-page.html'), 'utf8'));
    assert.equal(loadOrCreateSecret(dataDir).toString('hex'), fs.readFileSync(path.join(fixture, 'secret.key'), 'utf8').trim(), 'the same installation secret');
  });
});
