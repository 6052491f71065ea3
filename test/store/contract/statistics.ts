import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../../app/store/types';
import { accept, venue, withStore, type OpenStore } from './fixture';

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

    it('stops counting a session online once its router\'s report is overdue', withStore(open, async (store) => {
      const { site } = await fixture(store);
      const overdue = await store.statistics({ siteId: site.id, fromDay: '2026-05-05', toDay: '2026-05-05', now: tuesday + 180_000 });
      assert.equal(overdue.onlineNow, 0);
    }));
  });
}
