import { deviceFamily } from './device-family';
import { isRandomisedMac } from './random-mac';
import type { AcceptanceRecord, NewAcceptance, Site } from './store/types';
import { localCalendar } from './venue-time';

/**
 * An acceptance with what the statistics count it by, worked out once when it is made: the venue's
 * local day and hour, the device family and whether the MAC was randomised. Fixed then, because the user
 * agent and MAC are blanked after the retention period while the figures stay.
 */
export function describeAcceptance(site: Site, acceptance: NewAcceptance): AcceptanceRecord {
  const local = localCalendar(acceptance.acceptedAt, site.timezone);
  return {
    ...acceptance, stateNonce: acceptance.stateNonce ?? null, siteId: site.id,
    localDay: local.day, localHour: local.hour, localWeekday: local.weekday,
    deviceFamily: deviceFamily(acceptance.userAgent),
    macRandomised: acceptance.clientMac === null ? null : isRandomisedMac(acceptance.clientMac),
  };
}
