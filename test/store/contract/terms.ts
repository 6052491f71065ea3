import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { accept, t0, venue, withStore, type OpenStore } from './fixture';
import { termsTexts } from '../../../app/content-digests';

export function termsContract(open: OpenStore): void {
  describe('terms', () => {
    it('numbers releases per venue and picks the current text by language, then the default language', withStore(open, async (store) => {
      const { site, terms } = await venue(store);
      assert.equal(terms.release, 1);
      assert.equal(terms.sha256, createHash('sha256').update('Be nice.', 'utf8').digest('hex'));
      assert.equal((await store.currentTerms(site.id, 'de'))!.body, 'Sei nett.');
      assert.equal((await store.currentTerms(site.id, 'fr'))!.language, 'en');
      assert.equal((await store.currentTerms(site.id))!.language, 'en');
      const [second] = await store.publishTerms(site.id, termsTexts([{ language: 'de', body: 'Neu.' }]), t0 + 1);
      assert.equal(second.release, 2);
      // The newest release wins over the asked language: an old release is never current again.
      assert.deepEqual(await store.currentTerms(site.id, 'en'), second);
      assert.deepEqual(await store.getTermsVersion(terms.id), terms);
      const other = await store.createSite({ ...site, slug: 'bar', name: 'Bar' }, t0);
      assert.equal((await store.publishTerms(other.id, termsTexts([{ language: 'en', body: 'x' }]), t0))[0].release, 1);
      assert.equal(await store.currentTerms(999), undefined);
    }));

    it('gives the newest release\'s texts by language, and none before the first', withStore(open, async (store) => {
      const { site } = await venue(store);
      assert.deepEqual((await store.currentRelease(site.id)).map((t) => [t.release, t.language]), [[1, 'de'], [1, 'en']]);
      await store.publishTerms(site.id, termsTexts([{ language: 'en', body: 'Two.' }]), t0 + 1);
      assert.deepEqual((await store.currentRelease(site.id)).map((t) => [t.release, t.language, t.body]), [[2, 'en', 'Two.']]);
      const other = await store.createSite({ ...site, slug: 'bar', name: 'Bar' }, t0);
      assert.deepEqual(await store.currentRelease(other.id), []);
    }));

    it('lists every text with its acceptances, newest release first', withStore(open, async (store) => {
      const { site, terms } = await venue(store);
      await accept(store, site, { termsVersionId: terms.id });
      await store.publishTerms(site.id, termsTexts([{ language: 'en', body: 'Two.' }]), t0 + 1);
      const listed = await store.listTerms(site.id);
      assert.deepEqual(listed.map((t) => [t.release, t.language, t.acceptances]), [[2, 'en', 0], [1, 'de', 0], [1, 'en', 1]]);
    }));
  });
}
