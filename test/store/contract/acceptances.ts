import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accept, t0, venue, withStore, type OpenStore } from './fixture';

const day = 24 * 60 * 60 * 1000;

export function acceptanceContract(open: OpenStore): void {
  describe('acceptances', () => {
    it('records an acceptance on the venue-local day it was given', withStore(open, async (store) => {
      const { site, terms } = await venue(store);
      // 23:30 UTC is the next day in Berlin; the day comes from describeAcceptance, the store keeps it.
      const recorded = await accept(store, site, { termsVersionId: terms.id, acceptedAt: Date.UTC(2026, 4, 4, 23, 30), deviceId: 'd1' });
      assert.equal(recorded.repeat, false);
      assert.equal(recorded.localDay, '2026-05-05');
      assert.equal(recorded.siteId, site.id);
      assert.equal(await store.countAcceptances({ siteId: site.id, fromDay: '2026-05-05', toDay: '2026-05-05' }), 1);
      assert.equal(await store.countAcceptances({ siteId: site.id, toDay: '2026-05-04' }), 0);
    }));

    it('accepts a page once: the same state nonce, even racing, resolves to the first acceptance and writes nothing', withStore(open, async (store) => {
      const { site, terms } = await venue(store);
      const [first, second] = await Promise.all([
        accept(store, site, { termsVersionId: terms.id, stateNonce: 'n1' }),
        accept(store, site, { termsVersionId: terms.id, stateNonce: 'n1', acceptedAt: t0 + 1 }),
      ]);
      const later = await accept(store, site, { termsVersionId: terms.id, stateNonce: 'n1', acceptedAt: t0 + 2 });
      assert.deepEqual([first.repeat, second.repeat, later.repeat], [false, true, true]);
      assert.equal(second.id, first.id);
      assert.equal(later.acceptedAt, t0);
      assert.equal(await store.countAcceptances({}), 1);
      assert.equal((await store.statistics({ siteId: site.id, fromDay: '2026-05-04', toDay: '2026-05-04', now: t0 })).acceptances, 1);
      // Acceptances without a nonce never conflict.
      await accept(store, site, { termsVersionId: terms.id });
      await accept(store, site, { termsVersionId: terms.id });
      assert.equal(await store.countAcceptances({}), 3);
    }));

    it('exports in day order, then recording order, filtered by router and days', withStore(open, async (store) => {
      const { site, terms } = await venue(store);
      await store.addGateway({ id: 'bar', siteId: site.id, type: 'pfsense', name: 'Bar', settings: {} }, t0);
      await accept(store, site, { termsVersionId: terms.id, acceptedAt: t0 + day, clientMac: '02:00:00:00:00:01' });
      await accept(store, site, { termsVersionId: terms.id, acceptedAt: t0, gatewayId: 'bar', userAgent: 'UA' });
      await accept(store, site, { termsVersionId: terms.id, acceptedAt: t0 + 1, routerUnauthenticated: true });
      const rows = [];
      for await (const row of store.exportAcceptances({ siteId: site.id })) rows.push(row);
      assert.deepEqual(rows.map((row) => [row.localDay, row.gatewayId]), [['2026-05-04', 'bar'], ['2026-05-04', 'hall'], ['2026-05-05', 'hall']]);
      assert.deepEqual(rows[0], {
        id: rows[0].id, acceptedAt: new Date(t0).toISOString(), localDay: '2026-05-04', gatewayId: 'bar', termsRelease: 1, termsLanguage: 'en',
        termsSha256: terms.sha256, clientMac: null, clientIp: '10.0.0.2', userAgent: 'UA', language: 'en', handoff: 'test',
        routerUnauthenticated: false,
      });
      assert.equal(rows[1].routerUnauthenticated, true);
      const hall = [];
      for await (const row of store.exportAcceptances({ gatewayId: 'hall', fromDay: '2026-05-05' })) hall.push(row.localDay);
      assert.deepEqual(hall, ['2026-05-05']);
      assert.equal(await store.countAcceptances({ gatewayId: 'bar' }), 1);
    }));

    it('exports past a page of rows, and takes acceptances while an export is under way', withStore(open, async (store) => {
      const { site, terms } = await venue(store);
      await Promise.all(Array.from({ length: 1500 }, (_, i) => accept(store, site, { termsVersionId: terms.id, acceptedAt: t0 + i })));
      const ids: number[] = [];
      for await (const row of store.exportAcceptances({ siteId: site.id })) {
        ids.push(row.id);
        if (ids.length === 10) await accept(store, site, { termsVersionId: terms.id, acceptedAt: t0 + 2000 });
      }
      assert.equal(ids.length, 1501);
      assert.equal(new Set(ids).size, 1501);
    }));

    it('remembers a device\'s newest acceptance of a release within the period', withStore(open, async (store) => {
      const { site, terms } = await venue(store);
      const de = (await store.currentTerms(site.id, 'de'))!;
      await accept(store, site, { termsVersionId: terms.id, deviceId: 'd1', acceptedAt: t0 });
      const newest = await accept(store, site, { termsVersionId: de.id, deviceId: 'd1', acceptedAt: t0 + 10 });
      assert.equal((await store.rememberedAcceptance(site.id, 'd1', 1, t0))!.id, newest.id);
      assert.equal(await store.rememberedAcceptance(site.id, 'd1', 1, t0 + 11), undefined);
      assert.equal(await store.rememberedAcceptance(site.id, 'd1', 2, t0), undefined);
      assert.equal(await store.rememberedAcceptance(site.id, 'd2', 1, t0), undefined);
    }));

    it('tells when an address last accepted through a router that reports no session for it', withStore(open, async (store) => {
      const { site, terms } = await venue(store);
      await accept(store, site, { termsVersionId: terms.id, clientIp: '10.0.0.9', acceptedAt: t0 });
      assert.equal(await store.lastUnreportedAcceptanceByIp(site.id, '10.0.0.9', t0), t0);
      assert.equal(await store.lastUnreportedAcceptanceByIp(site.id, '10.0.0.9', t0 + 1), undefined);
      const reported = await accept(store, site, { termsVersionId: terms.id, clientIp: '10.0.0.9', acceptedAt: t0 + 5 });
      await store.openGuestSession({
        gatewayId: 'hall', sessionKey: 'k', acceptanceId: reported.id, siteId: site.id, deviceId: null, clientMac: null, clientIp: '10.0.0.9',
        startBy: t0 + 60_000,
      });
      assert.equal(await store.lastUnreportedAcceptanceByIp(site.id, '10.0.0.9', t0), undefined);
    }));
  });
}
