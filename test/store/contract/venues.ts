import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { StoreConflictError } from '../../../app/errors';
import { accept, t0, venue, withStore, type OpenStore } from './fixture';
import { logoImage } from '../../../app/content-digests';

export function venueContract(open: OpenStore): void {
  describe('venues', () => {
    it('lists the venues by name, finds one by its slug and refuses a slug taken', withStore(open, async (store) => {
      const { site } = await venue(store);
      const bar = await store.createSite({ ...site, slug: 'bar', name: 'Bar' }, t0 + 1);
      assert.deepEqual((await store.listSites()).map((s) => s.slug), ['bar', 'cafe']);
      assert.equal((await store.findSiteBySlug('bar'))!.id, bar.id);
      assert.equal(await store.findSiteBySlug('nowhere'), undefined);
      await assert.rejects(store.createSite({ ...site, name: 'Other' }, t0), StoreConflictError);
      await assert.rejects(store.updateSite(bar.id, { slug: 'cafe' }), StoreConflictError);
      assert.equal((await store.getSite(bar.id))!.slug, 'bar', 'nothing changed');
      const renamed = await store.updateSite(bar.id, { slug: 'the-bar', name: 'The Bar' });
      assert.deepEqual([renamed.slug, renamed.name], ['the-bar', 'The Bar']);
      assert.equal(await store.findSiteBySlug('bar'), undefined);
    }));

    it('removes a venue with its routers and grants, keeping its acceptances, terms and the venue row as evidence', withStore(open, async (store) => {
      const { site, terms } = await venue(store);
      const bar = await store.createSite({ ...site, slug: 'bar', name: 'Bar' }, t0 + 1);
      const accepted = await accept(store, site, { termsVersionId: terms.id });
      const manager = await store.addAdminUser('manager', 'h', t0, { role: 'manager', venueIds: [site.id, bar.id] });
      assert.equal(await store.removeSite(site.id, t0 + 5), true);
      assert.equal(await store.removeSite(site.id, t0 + 6), false, 'once');
      assert.equal(await store.removeSite(999, t0 + 6), false);
      assert.deepEqual((await store.listSites()).map((s) => s.slug), ['bar']);
      assert.equal((await store.getDefaultSite())!.id, bar.id);
      assert.equal(await store.findSiteBySlug('cafe'), undefined);
      assert.equal((await store.getSite(site.id))!.removedAt, t0 + 5);
      assert.equal(await store.getGateway('hall'), undefined);
      assert.deepEqual(await store.listGateways(site.id), []);
      assert.equal(await store.countAcceptances({ siteId: site.id }), 1);
      assert.equal((await store.getTermsVersion(terms.id))!.id, terms.id);
      assert.equal(accepted.repeat, false);
      assert.deepEqual((await store.getAdminUser(manager.id))!.venueIds, [bar.id]);
      assert.equal(await store.grantVenue(manager.id, site.id), false, 'a removed venue cannot be granted');
      const again = await store.createSite({ ...site, name: 'Café again' }, t0 + 7);
      assert.equal(again.slug, 'cafe', 'the slug is free again');
    }));

    it('creates venues, the first being the default, and changes only the settings given', withStore(open, async (store) => {
      assert.equal(await store.getDefaultSite(), undefined);
      const { site } = await venue(store);
      const other = await store.createSite({ ...site, slug: 'bar', name: 'Bar' }, t0 + 1);
      assert.equal((await store.getDefaultSite())!.id, site.id);
      assert.equal((await store.getSite(other.id))!.name, 'Bar');
      assert.equal(site.logoSha256, null);
      assert.equal(site.createdAt, t0);
      assert.equal(site.guestPagePreviewedAt, null);
      assert.equal(site.removedAt, null);
      const updated = await store.updateSite(site.id, { name: 'Café Neu', sessionMinutes: undefined });
      assert.deepEqual(updated, { ...site, name: 'Café Neu' });
      assert.deepEqual(await store.getSite(site.id), updated);
      assert.equal(await store.getSite(999), undefined);
    }));

    it('hands out venues that cannot be changed by their readers, and new ones once the venue changed', withStore(open, async (store) => {
      const { site } = await venue(store);
      const read = (await store.getSite(site.id))!;
      assert.throws(() => { (read as { name: string }).name = 'changed'; });
      await store.updateSite(site.id, { accentColor: '#000000' });
      assert.equal((await store.getSite(site.id))!.accentColor, '#000000');
    }));

    it('keeps the logo under its SHA-256 and deletes one no venue uses any more', withStore(open, async (store) => {
      const { site } = await venue(store);
      const first = Buffer.from('first png');
      const withLogo = await store.setLogo(site.id, logoImage(first), t0);
      const sha = createHash('sha256').update(first).digest('hex');
      assert.equal(withLogo.logoSha256, sha);
      assert.deepEqual(await store.getLogo(sha), first);
      await store.setLogo(site.id, logoImage(Buffer.from('second png')), t0 + 1);
      assert.equal(await store.getLogo(sha), undefined);
    }));

    it('keeps when the guest page was first previewed', withStore(open, async (store) => {
      const { site } = await venue(store);
      const other = await store.createSite({ ...site, slug: 'bar', name: 'Bar' }, t0 + 1);
      assert.equal((await store.noteGuestPagePreviewed(site.id, t0 + 5)).guestPagePreviewedAt, t0 + 5);
      assert.equal((await store.getSite(site.id))!.guestPagePreviewedAt, t0 + 5);
      assert.equal((await store.noteGuestPagePreviewed(site.id, t0 + 9)).guestPagePreviewedAt, t0 + 5, 'the first time is kept');
      assert.equal((await store.getSite(other.id))!.guestPagePreviewedAt, null);
    }));

    it('removes the logo: the venue has none, and the picture is gone unless another venue uses it', withStore(open, async (store) => {
      const { site } = await venue(store);
      const other = await store.createSite({ ...site, slug: 'bar', name: 'Bar' }, t0 + 1);
      const png = Buffer.from('shared png');
      const { sha256 } = logoImage(png);
      await store.setLogo(site.id, logoImage(png), t0);
      await store.setLogo(other.id, logoImage(png), t0);
      const removed = await store.removeLogo(site.id);
      assert.equal(removed.logoSha256, null);
      assert.equal((await store.getSite(site.id))!.logoSha256, null);
      assert.deepEqual(await store.getLogo(sha256), png, 'still the other venue\'s logo');
      await store.removeLogo(other.id);
      assert.equal(await store.getLogo(sha256), undefined);
      assert.equal((await store.removeLogo(site.id)).logoSha256, null, 'removing no logo changes nothing');
    }));
  });
}
