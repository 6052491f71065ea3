import type Database from 'better-sqlite3';
import type { DeviceSighting } from '../rows';
import type { AcceptanceRecord } from '../types';

/**
 * The statistics' roll-ups (migrations 005, 009, 010), kept by the writes themselves inside their
 * transaction, so that the dashboard reads a few rows per day, never the acceptances. '' stands for
 * "no router" so that keys hold no NULL and the upserts always find their row.
 */
export function prepareRollUps(db: Database.Database) {
  const sql = {
    countHour: db.prepare<AcceptanceRecord>(`INSERT INTO acceptance_hours (site_id, local_day, gateway_id, local_hour, local_weekday, acceptances)
      VALUES (@siteId, @localDay, coalesce(@gatewayId, ''), @localHour, @localWeekday, 1)
      ON CONFLICT DO UPDATE SET acceptances = acceptances + 1`),
    countBreakdown: db.prepare<AcceptanceRecord>(`INSERT INTO acceptance_breakdowns
        (site_id, local_day, gateway_id, terms_version_id, language, device_family, acceptances)
      VALUES (@siteId, @localDay, coalesce(@gatewayId, ''), @termsVersionId, @language, @deviceFamily, 1)
      ON CONFLICT DO UPDATE SET acceptances = acceptances + 1`),
    // One row per device, day and scope (the venue '*', and the router), the first sighting only; prev_day
    // is the device's previous day in that scope. Sightings arrive in time order, so a new day is the latest.
    seeDevice: db.prepare<DeviceSighting, { scope: string; prev_day: string | null; mac_randomised: number | null }>(`
      INSERT OR IGNORE INTO device_days (site_id, scope, device_id, local_day, prev_day, mac_randomised)
      SELECT @siteId, scope.name, @deviceId, @localDay,
        (SELECT max(d.local_day) FROM device_days d
          WHERE d.site_id = @siteId AND d.scope = scope.name AND d.device_id = @deviceId AND d.local_day < @localDay),
        @macRandomised
      FROM (SELECT '*' AS name UNION ALL SELECT @gatewayId WHERE @gatewayId IS NOT NULL) AS scope
      RETURNING scope, prev_day, mac_randomised`),
    countDevice: db.prepare<{ siteId: number; scope: string; localDay: string; prevDay: string; macRandomised: number }>(`
      INSERT INTO device_day_counts (site_id, scope, local_day, prev_day, mac_randomised, devices)
      VALUES (@siteId, @scope, @localDay, @prevDay, @macRandomised, 1)
      ON CONFLICT DO UPDATE SET devices = devices + 1`),
  };

  function deviceSeen(sighting: DeviceSighting): void {
    for (const day of sql.seeDevice.all(sighting)) {
      sql.countDevice.run({
        siteId: sighting.siteId, scope: day.scope, localDay: sighting.localDay, prevDay: day.prev_day ?? '', macRandomised: day.mac_randomised ?? -1,
      });
    }
  }

  return {
    deviceSeen,
    /** Counts a newly stored acceptance (its MAC flag as stored: 1, 0 or null). */
    acceptanceStored(acceptance: AcceptanceRecord, macRandomised: number | null): void {
      sql.countHour.run(acceptance);
      sql.countBreakdown.run(acceptance);
      if (acceptance.deviceId !== null) {
        deviceSeen({ siteId: acceptance.siteId, gatewayId: acceptance.gatewayId, deviceId: acceptance.deviceId, localDay: acceptance.localDay, macRandomised });
      }
    },
  };
}

export type RollUps = ReturnType<typeof prepareRollUps>;
