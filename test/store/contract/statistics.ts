import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../../app/store/types';
import { termsTexts } from '../../../app/content-digests';
import { accept, t0, venue, withStore, type OpenStore } from './fixture';

const iPhone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)';
const monday = Date.UTC(2026, 4, 4, 10, 0); // 12:00 in Berlin
const tuesday = Date.UTC(2026, 4, 5, 10, 0);

/**
 * Two devices accept on Monday; on Tuesday the first goes online again as a remembered device, without
 * accepting, through a session that lasts two minutes.
 */
async function fixture(store: Store) {
  const { site, terms } = await venue(store);
  const de = (await store.currentTerms(site.id, 'de'))!;
  const first = await accept(store, site, { termsVersionId: terms.id, acceptedAt: monday, deviceId: 'd1', clientMac: '02:00:00:00:00:01', userAgent: iPhone });
  await accept(store, site, { termsVersionId: de.id, acceptedAt: monday + 3_600_000, deviceId: 'd2', clientMac: '00:11:22:33:44:55', language: 'de' });
  await store.openGuestSession({
    gatewayId: 'hall', sessionKey: 'k1', acceptanceId: first.id, siteId: site.id, deviceId: 'd1', clientMac: '02:00:00:00:00:01',
    clientIp: '10.0.0.2', startBy: tuesday + 60_000,
  });
  const session = (await store.startGuestSession({
    gatewayId: 'hall', sessionKey: 'k1', clientMac: '02:00:00:00:00:01', clientIp: '10.0.0.2', at: tuesday, localDay: '2026-05-05',
    reportDueAt: tuesday + 180_000,
  }))!;
  return { site, session };
}

export function statisticsContract(open: OpenStore): void {
  describe('statistics', () => {
    it('counts acceptances, devices new and returning, hours, breakdowns and sessions of a period', withStore(open, async (store) => {
      const { site, session } = await fixture(store);
      const query = { siteId: site.id, fromDay: '2026-05-04', toDay: '2026-05-05', now: tuesday + 1000 };
      const live = await store.statistics(query);
      assert.equal(live.onlineNow, 1);
      assert.equal(live.sessions, 1);
      assert.equal(live.endedSessions, 0);
      assert.equal(live.averageSessionSeconds, null);
      await store.endGuestSession(session.id, 'logout', tuesday + 120_000, { in: 1000, out: 500 });
      assert.deepEqual(await store.statistics(query), {
        acceptances: 2, uniqueDevices: 2, newDevices: 2, returningDevices: 0, randomisedMacDevices: 1, devicesWithMac: 2,
        days: [
          { day: '2026-05-04', acceptances: 2, newDevices: 2, returningDevices: 0 },
          // Seen again through its session alone.
          { day: '2026-05-05', acceptances: 0, newDevices: 0, returningDevices: 1 },
        ],
        hours: [{ weekday: 1, hour: 12, acceptances: 1 }, { weekday: 1, hour: 13, acceptances: 1 }],
        byTermsRelease: [{ release: 1, acceptances: 2 }],
        byLanguage: [{ language: 'de', acceptances: 1 }, { language: 'en', acceptances: 1 }],
        byDeviceFamily: [{ family: 'ios', acceptances: 1 }, { family: 'other', acceptances: 1 }],
        sessions: 1, endedSessions: 1, averageSessionSeconds: 120, medianSessionSeconds: 120, bytes: 1500, onlineNow: 0,
      });
    }));

    it('calls a device returning in a later period, and counts one router alone', withStore(open, async (store) => {
      const { site } = await fixture(store);
      const tuesdayOnly = await store.statistics({ siteId: site.id, fromDay: '2026-05-05', toDay: '2026-05-05', now: tuesday });
      assert.deepEqual([tuesdayOnly.uniqueDevices, tuesdayOnly.newDevices, tuesdayOnly.returningDevices, tuesdayOnly.acceptances], [1, 0, 1, 0]);
      assert.equal(tuesdayOnly.randomisedMacDevices, 1);
      await store.addGateway({ id: 'bar', siteId: site.id, type: 'pfsense', name: 'Bar', settings: {} }, monday);
      const bar = await store.statistics({ siteId: site.id, fromDay: '2026-05-04', toDay: '2026-05-05', gatewayId: 'bar', now: tuesday });
      assert.deepEqual([bar.acceptances, bar.uniqueDevices, bar.sessions, bar.onlineNow], [0, 0, 0, 0]);
      const hall = await store.statistics({ siteId: site.id, fromDay: '2026-05-04', toDay: '2026-05-05', gatewayId: 'hall', now: tuesday });
      assert.deepEqual([hall.acceptances, hall.uniqueDevices, hall.sessions, hall.onlineNow], [2, 2, 1, 1]);
    }));

    describe('the overview of all venues', () => {
      // One instant is a different local day in each venue: 23:30 UTC on 4 May is 01:30 on 5 May in Berlin, 19:30 on 4 May in New York.
      const late = Date.UTC(2026, 4, 4, 23, 30);
      const night = Date.UTC(2026, 4, 5, 3, 0); // Berlin 5 May 05:00, New York 4 May 23:00
      const noon = Date.UTC(2026, 4, 5, 12, 0); // Berlin 5 May 14:00, New York 5 May 08:00

      async function venues(store: Store) {
        const { site: berlin, terms } = await venue(store);
        const newYork = await store.createSite({ ...berlin, slug: 'deli', name: 'Deli', timezone: 'America/New_York' }, t0);
        const [deliTerms] = await store.publishTerms(newYork.id, termsTexts([{ language: 'en', body: 'Be kind.' }]), t0);
        await store.addGateway({ id: 'deli-door', siteId: newYork.id, type: 'wifidog', name: 'Door', settings: {} }, t0);
        const empty = await store.createSite({ ...berlin, slug: 'empty', name: 'Empty' }, t0);
        const gone = await store.createSite({ ...berlin, slug: 'gone', name: 'Gone' }, t0);
        const [goneTerms] = await store.publishTerms(gone.id, termsTexts([{ language: 'en', body: 'Bye.' }]), t0);

        await accept(store, berlin, { termsVersionId: terms.id, acceptedAt: late, deviceId: 'b1' });
        await accept(store, berlin, { termsVersionId: terms.id, acceptedAt: noon, deviceId: 'b1' });
        const deli = (fields: { acceptedAt: number; deviceId: string }) =>
          accept(store, newYork, { termsVersionId: deliTerms.id, gatewayId: 'deli-door', ...fields });
        await deli({ acceptedAt: late, deviceId: 'n1' });
        const second = await deli({ acceptedAt: night, deviceId: 'n2' });
        await deli({ acceptedAt: noon, deviceId: 'n1' });
        await store.openGuestSession({
          gatewayId: 'deli-door', sessionKey: 'n2', acceptanceId: second.id, siteId: newYork.id, deviceId: 'n2', clientMac: null,
          clientIp: '10.0.0.3', startBy: night + 60_000,
        });
        await store.startGuestSession({
          gatewayId: 'deli-door', sessionKey: 'n2', clientMac: null, clientIp: '10.0.0.3', at: night + 1000, localDay: '2026-05-04', reportDueAt: noon + 180_000,
        });
        await accept(store, gone, { termsVersionId: goneTerms.id, acceptedAt: noon, gatewayId: null, deviceId: 'g1' });
        assert.equal(await store.removeSite(gone.id, noon), true);
        return { berlin, newYork, empty, gone };
      }

      const zero = { acceptances: 0, uniqueDevices: 0, newDevices: 0, sessions: 0, onlineNow: 0 };

      it('counts each venue\'s period in its own time zone, venues without anything as zeros, removed venues not at all', withStore(open, async (store) => {
        const { berlin, newYork, empty } = await venues(store);
        const last = { lastAcceptanceAt: noon };
        assert.deepEqual(await store.venueOverview({ fromDay: '2026-05-04', toDay: '2026-05-04', now: noon }), [
          { siteId: berlin.id, ...zero, ...last },
          { siteId: newYork.id, acceptances: 2, uniqueDevices: 2, newDevices: 2, sessions: 1, onlineNow: 1, ...last },
          { siteId: empty.id, ...zero, lastAcceptanceAt: null },
        ]);
        assert.deepEqual(await store.venueOverview({ fromDay: '2026-05-05', toDay: '2026-05-05', now: noon + 180_000 }), [
          { siteId: berlin.id, acceptances: 2, uniqueDevices: 1, newDevices: 1, sessions: 0, onlineNow: 0, ...last },
          // n1 was first seen on 4 May, New York time: seen again, not new. The session's report is overdue: not online.
          { siteId: newYork.id, acceptances: 1, uniqueDevices: 1, newDevices: 0, sessions: 0, onlineNow: 0, ...last },
          { siteId: empty.id, ...zero, lastAcceptanceAt: null },
        ]);
        const both = await store.venueOverview({ fromDay: '2026-05-04', toDay: '2026-05-05', now: noon });
        assert.deepEqual(both.map((row) => [row.acceptances, row.uniqueDevices, row.newDevices]), [[2, 1, 1], [3, 2, 2], [0, 0, 0]]);
      }));

      it('reads only the venues asked for, and never a removed one', withStore(open, async (store) => {
        const { newYork, gone } = await venues(store);
        const rows = await store.venueOverview({ fromDay: '2026-05-04', toDay: '2026-05-05', siteIds: [gone.id, newYork.id, 9999], now: noon });
        assert.deepEqual(rows.map((row) => [row.siteId, row.acceptances]), [[newYork.id, 3]]);
        assert.deepEqual(await store.venueOverview({ fromDay: '2026-05-04', toDay: '2026-05-05', siteIds: [], now: noon }), []);
      }));

      it('finds the last acceptance even when the venue\'s time zone changed and a later acceptance has an earlier local day', withStore(open, async (store) => {
        const { site, terms } = await venue(store);
        const first = Date.UTC(2026, 4, 4, 11, 0);
        await accept(store, await store.updateSite(site.id, { timezone: 'Pacific/Kiritimati' }), { termsVersionId: terms.id, acceptedAt: first }); // 5 May 01:00
        const moved = await store.updateSite(site.id, { timezone: 'Pacific/Pago_Pago' });
        const recorded = await accept(store, moved, { termsVersionId: terms.id, acceptedAt: first + 3_600_000 }); // 4 May 01:00
        assert.equal(recorded.localDay, '2026-05-04');
        const [row] = await store.venueOverview({ fromDay: '2026-05-04', toDay: '2026-05-05', now: first + 3_600_000 });
        assert.deepEqual([row.acceptances, row.lastAcceptanceAt], [2, first + 3_600_000]);
      }));
    });

    it('stops counting a session online once its router\'s report is overdue', withStore(open, async (store) => {
      const { site } = await fixture(store);
      const overdue = await store.statistics({ siteId: site.id, fromDay: '2026-05-05', toDay: '2026-05-05', now: tuesday + 180_000 });
      assert.equal(overdue.onlineNow, 0);
    }));
  });
}
