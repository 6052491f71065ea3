import type { DeviceSighting } from '../rows';
import type { AcceptanceRecord } from '../types';
import { lock, type Sql } from './connection';

/**
 * The statistics' roll-ups, kept by the writes themselves inside their transaction, as in the SQLite store
 * (app/store/sqlite/roll-ups.ts): the counts are upserts that add 1 in place, exact however many instances
 * write at once. A device's days are the one read-then-write: its sightings take the device's advisory lock,
 * so that two instances seeing it on two days at once cannot both take the same day for its previous one.
 */
export function rollUps() {
  async function deviceSeen(tx: Sql, sighting: DeviceSighting): Promise<void> {
    await lock(tx, `device ${sighting.deviceId}`);
    // One row per device, day and scope (the venue '*', and the router), the first sighting only; each
    // row new here counts the device once on its day, in one statement (one round trip) with the insert.
    // The counts are taken in one order (by scope), so that two transactions counting the same rows never
    // wait on each other in a circle.
    await tx.run(`
      WITH days AS (
        INSERT INTO device_days (site_id, scope, device_id, local_day, prev_day, mac_randomised)
        SELECT $1::bigint, scope.name, $3::text, $4::text,
          (SELECT max(d.local_day) FROM device_days d
            WHERE d.site_id = $1::bigint AND d.scope = scope.name AND d.device_id = $3::text AND d.local_day < $4::text),
          $5::smallint
        FROM (SELECT '*'::text AS name UNION ALL SELECT $2::text WHERE $2::text IS NOT NULL) AS scope
        ON CONFLICT DO NOTHING
        RETURNING scope, prev_day, mac_randomised)
      INSERT INTO device_day_counts AS c (site_id, scope, local_day, prev_day, mac_randomised, devices)
      SELECT $1::bigint, scope, $4::text, coalesce(prev_day, ''), coalesce(mac_randomised, -1), 1 FROM days ORDER BY scope COLLATE "C"
      ON CONFLICT (site_id, scope, local_day, prev_day, mac_randomised) DO UPDATE SET devices = c.devices + 1`,
    [sighting.siteId, sighting.gatewayId, sighting.deviceId, sighting.localDay, sighting.macRandomised]);
  }

  return {
    deviceSeen,
    /** Counts a newly stored acceptance (its MAC flag as stored: 1, 0 or null). */
    async acceptanceStored(tx: Sql, acceptance: AcceptanceRecord, macRandomised: number | null): Promise<void> {
      // Every acceptance of a venue's hour and day counts into the same rows, locked until commit: the
      // device's lock and its days come first, so that those shared rows are held for the last statements only.
      if (acceptance.deviceId !== null) {
        await deviceSeen(tx, { siteId: acceptance.siteId, gatewayId: acceptance.gatewayId, deviceId: acceptance.deviceId, localDay: acceptance.localDay, macRandomised });
      }
      // The hour's count and the breakdown's, in one statement.
      await tx.run(`
        WITH hour AS (
          INSERT INTO acceptance_hours AS c (site_id, local_day, gateway_id, local_hour, local_weekday, acceptances)
          VALUES ($1, $2, $3, $4, $5, 1)
          ON CONFLICT (site_id, local_day, gateway_id, local_hour) DO UPDATE SET acceptances = c.acceptances + 1)
        INSERT INTO acceptance_breakdowns AS c (site_id, local_day, gateway_id, terms_version_id, language, device_family, acceptances)
        VALUES ($1, $2, $3, $6, $7, $8, 1)
        ON CONFLICT (site_id, local_day, gateway_id, terms_version_id, language, device_family) DO UPDATE SET acceptances = c.acceptances + 1`,
      [acceptance.siteId, acceptance.localDay, acceptance.gatewayId ?? '', acceptance.localHour, acceptance.localWeekday,
        acceptance.termsVersionId, acceptance.language, acceptance.deviceFamily]);
    },
  };
}

export type RollUps = ReturnType<typeof rollUps>;
