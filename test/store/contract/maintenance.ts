import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Site, Store } from '../../../app/store/types';
import { accept, t0, venue, withStore, type OpenStore } from './fixture';

const alice = { mac: '02:00:00:00:00:0a', ip: '10.0.0.10', deviceId: 'alice' };

async function aliceOnline(store: Store, site: Site, termsVersionId: number) {
  const acceptance = await accept(store, site, { termsVersionId, clientMac: alice.mac, clientIp: alice.ip, deviceId: alice.deviceId, userAgent: 'UA' });
  await store.openGuestSession({
    gatewayId: 'hall', sessionKey: 'k1', acceptanceId: acceptance.id, siteId: site.id, deviceId: alice.deviceId, clientMac: alice.mac,
    clientIp: alice.ip, startBy: t0 + 60_000,
  });
  const session = (await store.startGuestSession({
    gatewayId: 'hall', sessionKey: 'k1', clientMac: alice.mac, clientIp: alice.ip, at: t0, localDay: '2026-05-04', reportDueAt: t0 + 1000,
  }))!;
  await store.endGuestSession(session.id, 'logout', t0 + 500);
}

async function exported(store: Store) {
  const rows = [];
  for await (const row of store.exportAcceptances({})) rows.push(row);
  return rows;
}

const period = (site: Site) => ({ siteId: site.id, fromDay: '2026-05-04', toDay: '2026-05-04', now: t0 });

export function maintenanceContract(open: OpenStore): void {
  describe('durability and privacy', () => {
    it('answers when healthy and backs up to a new file', withStore(open, async (store) => {
      assert.equal(await store.isHealthy(), true);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-contract-'));
      try {
        await store.backup(path.join(dir, 'copy'));
        assert.ok(fs.statSync(path.join(dir, 'copy')).size > 0);
        await assert.rejects(store.backup(path.join(dir, 'copy')));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }));

    it('purges the personal fields of what ended before the cutoff, and no figure changes', withStore(open, async (store) => {
      const { site, terms } = await venue(store);
      await aliceOnline(store, site, terms.id);
      const figures = await store.statistics(period(site));
      assert.deepEqual(await store.purgePersonalData(t0), { acceptances: 0, guestSessions: 0 });
      assert.deepEqual(await store.purgePersonalData(t0 + 501), { acceptances: 1, guestSessions: 1 });
      assert.deepEqual(await store.purgePersonalData(t0 + 501), { acceptances: 0, guestSessions: 0 });
      const [row] = await exported(store);
      assert.deepEqual([row.clientMac, row.clientIp, row.userAgent], [null, null, null]);
      const session = (await store.findGuestSession('hall', 'k1'))!;
      assert.deepEqual([session.clientMac, session.clientIp, session.deviceId], [null, null, alice.deviceId]);
      assert.deepEqual(await store.statistics(period(site)), figures);
    }));

    it('purges an offered session its router never started once it could no longer start, and keeps a live one', withStore(open, async (store) => {
      const { site, terms } = await venue(store);
      const acceptance = await accept(store, site, { termsVersionId: terms.id, clientMac: alice.mac, clientIp: alice.ip, deviceId: alice.deviceId });
      const offer = { gatewayId: 'hall', acceptanceId: acceptance.id, siteId: site.id, deviceId: alice.deviceId, clientMac: alice.mac, clientIp: alice.ip };
      await store.openGuestSession({ ...offer, sessionKey: 'never', startBy: t0 + 100 });
      await store.openGuestSession({ ...offer, sessionKey: 'live', startBy: t0 + 60_000 });
      await store.startGuestSession({
        gatewayId: 'hall', sessionKey: 'live', clientMac: alice.mac, clientIp: alice.ip, at: t0, localDay: '2026-05-04', reportDueAt: t0 + 1_000_000,
      });
      assert.deepEqual(await store.purgePersonalData(t0 + 100), { acceptances: 1, guestSessions: 0 });
      assert.deepEqual(await store.purgePersonalData(t0 + 101), { acceptances: 0, guestSessions: 1 });
      assert.equal((await store.findGuestSession('hall', 'never'))!.clientIp, null);
      assert.equal((await store.findGuestSession('hall', 'live'))!.clientIp, alice.ip);
    }));

    it('finds a device\'s records and forgets it, still counting it in the figures', withStore(open, async (store) => {
      const { site, terms } = await venue(store);
      await aliceOnline(store, site, terms.id);
      await accept(store, site, { termsVersionId: terms.id, deviceId: 'bob', clientMac: '02:00:00:00:00:0b' });
      const records = await store.findGuestRecords(alice.mac, alice.deviceId);
      assert.equal(records.acceptances.length, 1);
      assert.equal(records.guestSessions.length, 1);
      assert.ok(!JSON.stringify(records).includes('k1'), 'the session key is not the guest\'s data');
      const figures = await store.statistics(period(site));
      assert.deepEqual(await store.forgetGuest(alice.mac, alice.deviceId), { acceptances: 1, guestSessions: 1 });
      assert.deepEqual(await store.findGuestRecords(alice.mac, alice.deviceId), { acceptances: [], guestSessions: [] });
      assert.equal(await store.findGuestSession('hall', 'k1'), undefined);
      assert.equal(await store.countAcceptances({}), 2);
      // Its acceptances and days still count; its deleted sessions no longer do.
      assert.deepEqual(await store.statistics(period(site)), {
        ...figures, sessions: 0, endedSessions: 0, averageSessionSeconds: null, medianSessionSeconds: null, bytes: 0,
      });
    }));
  });
}
