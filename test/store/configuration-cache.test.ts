import assert from 'node:assert/strict';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { openSqliteStore, type SqliteStore } from '../../app/store/sqlite';
import type { Site } from '../../app/store/types';
import { ensureVenue } from '../../app/venue-settings';
import { tempDir } from '../helpers';
import { openDatabaseFile } from './raw';
import { termsTexts } from '../../app/content-digests';

// Venues, routers and terms are served from memory (app/store/sqlite/configuration-cache.ts): these
// tests hold it to the database, for this process's writes and for another process's.
describe('configuration cache', () => {
  const at = Date.UTC(2026, 10, 27, 12);
  let dataDir: string;
  let store: SqliteStore;
  let site: Site;

  before(async () => {
    dataDir = tempDir();
    store = openSqliteStore(dataDir);
    site = await ensureVenue(store, at);
    await store.publishTerms(site.id, termsTexts([{ language: 'en', body: 'Release one' }]), at);
    await store.addGateway({ id: 'bar', siteId: site.id, type: 'pfsense', name: 'Bar', settings: {} }, at);
  });
  after(() => store.close());

  it('hands out frozen objects, so that no caller can change what others read', async () => {
    const cached = (await store.getSite(site.id))!;
    assert.throws(() => { (cached as { name: string }).name = 'Changed'; }, TypeError);
    const gateway = (await store.getGateway('bar'))!;
    assert.throws(() => { gateway.settings.address = '10.0.0.1'; }, TypeError);
  });

  it('shows this process\'s own writes at once', async () => {
    assert.equal((await store.getSite(site.id))!.name, 'My Venue');
    await store.updateSite(site.id, { name: 'Renamed Café' });
    assert.equal((await store.getSite(site.id))!.name, 'Renamed Café');

    const { release } = (await store.currentTerms(site.id, 'en'))!;
    await store.publishTerms(site.id, termsTexts([{ language: 'en', body: 'Another release' }]), at + 1);
    assert.equal((await store.currentTerms(site.id, 'en'))!.release, release + 1);

    assert.equal((await store.getGateway('bar'))!.lastContactAt, undefined);
    await store.recordGatewayContact('bar', { sysUptime: 60 }, at + 2);
    assert.equal((await store.getGateway('bar'))!.lastContactAt, at + 2);

    await store.renameGateway('bar', 'Bar counter');
    assert.equal((await store.getGateway('bar'))!.name, 'Bar counter');
    await store.addGateway({ id: 'temp', siteId: site.id, type: 'pfsense', name: 'Temp', settings: {} }, at);
    assert.ok(await store.getGateway('temp'));
    await store.removeGateway('temp');
    assert.equal(await store.getGateway('temp'), undefined);
  });

  it('shows another process\'s commits from the next turn of the event loop', async () => {
    await nextTurn();
    assert.equal((await store.getSite(site.id))!.websiteUrl, 'https://example.com/');
    assert.ok(await store.getGateway('bar'));
    const { release } = (await store.currentTerms(site.id, 'en'))!;
    // The command line is another connection to the same file.
    const other = openDatabaseFile(path.join(dataDir, 'portico.db'));
    try {
      other.prepare('UPDATE sites SET website_url = ? WHERE id = ?').run('https://elsewhere.example/', site.id);
      other.prepare("DELETE FROM gateways WHERE id = 'bar'").run();
      other.prepare('INSERT INTO terms_versions (site_id, release, language, body, sha256, published_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(site.id, release + 1, 'en', 'A release published elsewhere', 'x'.repeat(64), at + 3);
    } finally {
      other.close();
    }
    await nextTurn();
    assert.equal((await store.getSite(site.id))!.websiteUrl, 'https://elsewhere.example/');
    assert.equal(await store.getGateway('bar'), undefined);
    assert.equal((await store.currentTerms(site.id, 'en'))!.release, release + 1);
  });
});
