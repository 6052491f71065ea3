import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Site, Store } from '../../../app/store/types';
import { localCalendar } from '../../../app/venue-time';
import { accept, t0, venue, withStore, type OpenStore } from './fixture';

const mac = '02:00:00:00:00:0a';
const ip = '10.0.0.10';

async function offered(store: Store, site: Site, termsVersionId: number, key: string, fields: { clientMac?: string | null; deviceId?: string | null } = {}) {
  const acceptance = await accept(store, site, { termsVersionId, clientMac: mac, clientIp: ip, deviceId: 'd1' });
  return store.openGuestSession({
    gatewayId: 'hall', sessionKey: key, acceptanceId: acceptance.id, siteId: site.id, deviceId: 'd1', clientMac: mac, clientIp: ip,
    startBy: t0 + 60_000, ...fields,
  });
}

/** The router's start of session `key` at `at`, the day as the caller works it out (Berlin: UTC + 2 in May). */
const start = (key: string, at: number, reportDueAt: number, fields: Partial<{ gatewayId: string; clientMac: string; clientIp: string }> = {}) =>
  ({ gatewayId: 'hall', sessionKey: key, clientMac: mac, clientIp: ip, at, localDay: localCalendar(at, 'Europe/Berlin').day, reportDueAt, ...fields });

export function guestSessionContract(open: OpenStore): void {
  describe('guest sessions', () => {
    it('offers a session once per key on its router: offering it again leaves it as it is', withStore(open, async (store) => {
      const { site, terms } = await venue(store);
      const first = await offered(store, site, terms.id, 'k1');
      assert.equal(first.startedAt, null);
      await store.startGuestSession(start('k1', t0 + 1, t0 + 1000));
      const again = await offered(store, site, terms.id, 'k1');
      assert.equal(again.id, first.id);
      assert.equal(again.startedAt, t0 + 1);
    }));

    it('starts a session only for its router, address and MAC, once, before it expires', withStore(open, async (store) => {
      const { site, terms } = await venue(store);
      await offered(store, site, terms.id, 'k1');
      assert.equal(await store.startGuestSession(start('k1', t0 + 1, t0 + 1000, { clientIp: '10.0.0.11' })), undefined);
      assert.equal(await store.startGuestSession(start('k1', t0 + 1, t0 + 1000, { clientMac: '02:00:00:00:00:0b' })), undefined);
      assert.equal(await store.startGuestSession(start('k1', t0 + 1, t0 + 1000, { gatewayId: 'bar' })), undefined);
      assert.equal(await store.startGuestSession(start('nope', t0 + 1, t0 + 1000)), undefined);
      const started = (await store.startGuestSession(start('k1', t0 + 1, t0 + 1000)))!;
      assert.deepEqual([started.startedAt, started.localDay, started.reportDueAt, started.endedAt], [t0 + 1, '2026-05-04', t0 + 1000, null]);
      assert.equal(await store.startGuestSession(start('k1', t0 + 2, t0 + 1000)), undefined);
      await offered(store, site, terms.id, 'k2');
      assert.equal(await store.startGuestSession(start('k2', t0 + 60_000, t0 + 70_000)), undefined);
    }));

    it('takes the MAC the router reports when the session was offered without one', withStore(open, async (store) => {
      const { site, terms } = await venue(store);
      await offered(store, site, terms.id, 'k1', { clientMac: null });
      assert.equal((await store.startGuestSession(start('k1', t0 + 1, t0 + 1000)))!.clientMac, mac);
      assert.equal((await store.findGuestSession('hall', 'k1'))!.clientMac, mac);
    }));

    it('ends an earlier session of the MAC on the router as replaced only once its router stopped reporting it', withStore(open, async (store) => {
      const { site, terms } = await venue(store);
      await offered(store, site, terms.id, 'k1');
      const first = (await store.startGuestSession(start('k1', t0, t0 + 1000)))!;
      await store.recordSessionReport(first.id, { in: 5, out: 6 }, t0 + 500, t0 + 1500);
      await offered(store, site, terms.id, 'k2');
      await store.startGuestSession(start('k2', t0 + 1000, t0 + 2000));
      // Still reported: another login with the same MAC does not end it.
      assert.equal((await store.findGuestSession('hall', 'k1'))!.endedAt, null);
      await offered(store, site, terms.id, 'k3');
      await store.startGuestSession(start('k3', t0 + 1500, t0 + 2500));
      const replaced = (await store.findGuestSession('hall', 'k1'))!;
      // Ended at its last report, not at the new login.
      assert.deepEqual([replaced.endedAt, replaced.endReason, replaced.bytesIn, replaced.bytesOut], [t0 + 500, 'replaced', 5, 6]);
      assert.deepEqual((await store.liveGuestSessions('hall')).map((s) => s.startedAt), [t0 + 1500, t0 + 1000]);
    }));

    it('records reports and ends a session once, keeping its bytes', withStore(open, async (store) => {
      const { site, terms } = await venue(store);
      await offered(store, site, terms.id, 'k1');
      const session = (await store.startGuestSession(start('k1', t0, t0 + 1000)))!;
      await store.recordSessionReport(session.id, { in: 10, out: 20 }, t0 + 100, t0 + 1100);
      await store.recordSessionReport(session.id, undefined, t0 + 200, t0 + 1200);
      let found = (await store.findGuestSession('hall', 'k1'))!;
      assert.deepEqual([found.bytesIn, found.bytesOut, found.lastCountersAt, found.reportDueAt], [10, 20, t0 + 200, t0 + 1200]);
      assert.equal(await store.liveSessionStartByIp(site.id, ip, t0 + 1100), t0);
      assert.equal(await store.liveSessionStartByIp(site.id, ip, t0 + 1200), undefined);
      await store.endGuestSession(session.id, 'logout', t0 + 300, { in: 11, out: 21 });
      await store.endGuestSession(session.id, 'session_length', t0 + 400);
      found = (await store.findGuestSession('hall', 'k1'))!;
      assert.deepEqual([found.endedAt, found.endReason, found.bytesIn, found.bytesOut], [t0 + 300, 'logout', 11, 21]);
      assert.deepEqual(await store.liveGuestSessions('hall'), []);
      assert.equal(await store.liveSessionStartByIp(site.id, ip, t0 + 300), undefined);
    }));
  });
}
