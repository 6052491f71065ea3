import type { Config } from './config';
import type { Context } from './context';
import { normalizeMac } from './network-address';
import { deviceIdFor } from './device-id';
import { log, maskMac } from './log';
import { scheduledRuns } from './store/open';
import type { Acceptance, GuestSession, PersonalDataChange } from './store/types';
import { UserError } from './errors';

/*
 * Privacy by default: statistics count pseudonymous device ids; raw MAC, IP and user agent are kept
 * only RETENTION_DAYS (0: never stored), then a daily purge clears them. The acceptance itself (time,
 * terms version, device id) stays as the venue's evidence.
 */

const dayMs = 24 * 60 * 60 * 1000;
export const purgeIntervalMs = dayMs;
/** How often a server asks whether the purge is due: every instance asks, one of them runs it (app/store/open.ts scheduledRuns). */
export const purgeCheckMs = 60 * 60 * 1000;

export interface PersonalFields {
  clientMac: string | null;
  clientIp: string | null;
  userAgent: string | null;
}

/** What may be written of a guest's raw addresses now: all of it, or nothing when retention is 0. */
export function storablePersonalFields(config: Pick<Config, 'retentionDays'>, fields: PersonalFields): PersonalFields {
  return config.retentionDays === 0 ? { clientMac: null, clientIp: null, userAgent: null } : fields;
}

/** Clears personal fields older than the retention period. */
export async function purgeExpiredPersonalData(ctx: Context): Promise<PersonalDataChange> {
  const before = ctx.now() - ctx.config.retentionDays * dayMs;
  const change = await ctx.store.purgePersonalData(before);
  log.info('personal data purged', { retention_days: ctx.config.retentionDays, acceptances: change.acceptances, guest_sessions: change.guestSessions });
  return change;
}

/**
 * Runs the purge now and then once a day, once per installation however many instances share its database;
 * returns the function that stops it.
 */
export function schedulePurge(ctx: Context, claim = scheduledRuns(ctx.store)): () => void {
  const purge = async () => {
    try {
      if (await claim('purge', ctx.now(), purgeIntervalMs)) await purgeExpiredPersonalData(ctx);
    } catch (error) {
      log.error('purge failed', { error: (error as Error)?.stack ?? String(error) });
    }
  };
  void purge();
  const timer = setInterval(purge, purgeCheckMs);
  timer.unref();
  return () => clearInterval(timer);
}

function parseGuestMac(text: string): string {
  const mac = normalizeMac(text);
  if (!mac) throw new UserError(`"${text.slice(0, 32)}" is not a MAC address (aa:bb:cc:dd:ee:ff)`);
  return mac;
}

const isoTime = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** One acceptance as the guest reads it: named fields, times in ISO 8601 UTC. */
function acceptanceForGuest(acceptance: Acceptance, venue: string) {
  return {
    id: acceptance.id, venue, acceptedAt: isoTime(acceptance.acceptedAt), venueDay: acceptance.localDay, router: acceptance.gatewayId,
    termsRelease: acceptance.termsVersionId, language: acceptance.language, deviceId: acceptance.deviceId,
    clientMac: acceptance.clientMac, clientIp: acceptance.clientIp, userAgent: acceptance.userAgent,
  };
}

function sessionForGuest(session: GuestSession, venue: string) {
  return {
    id: session.id, venue, acceptanceId: session.acceptanceId, router: session.gatewayId, startedAt: isoTime(session.startedAt),
    endedAt: isoTime(session.endedAt), endReason: session.endReason, bytesIn: session.bytesIn, bytesOut: session.bytesOut,
    deviceId: session.deviceId, clientMac: session.clientMac, clientIp: session.clientIp,
  };
}

/**
 * Everything held about one device, found by its MAC and by its device id (which outlives the MAC), at
 * every venue of the installation or, with `siteId`, at that venue only; each row names its venue's slug.
 */
export async function exportGuest(ctx: Context, macText: string, siteId?: number) {
  const mac = parseGuestMac(macText);
  const deviceId = deviceIdFor(ctx.keys.deviceId, mac);
  const found = await ctx.store.findGuestRecords(mac, deviceId);
  const atVenue = <T extends { siteId: number }>(rows: T[]) => (siteId === undefined ? rows : rows.filter((row) => row.siteId === siteId));
  const records = { acceptances: atVenue(found.acceptances), guestSessions: atVenue(found.guestSessions) };
  const slugs = new Map<number, string>();
  for (const id of new Set([...records.acceptances, ...records.guestSessions].map((row) => row.siteId))) slugs.set(id, (await ctx.store.getSite(id))?.slug ?? '');
  log.info('guest data exported', { mac: maskMac(mac), acceptances: records.acceptances.length, guest_sessions: records.guestSessions.length });
  return {
    mac, deviceId, exportedAt: isoTime(ctx.now()),
    acceptances: records.acceptances.map((row) => acceptanceForGuest(row, slugs.get(row.siteId)!)),
    guestSessions: records.guestSessions.map((row) => sessionForGuest(row, slugs.get(row.siteId)!)),
  };
}

/** Deletes what is held about one device; its acceptances stay, without anything linking them to it. */
export async function forgetGuest(ctx: Context, macText: string): Promise<PersonalDataChange> {
  const mac = parseGuestMac(macText);
  const change = await ctx.store.forgetGuest(mac, deviceIdFor(ctx.keys.deviceId, mac));
  log.info('guest data forgotten', { mac: maskMac(mac), acceptances: change.acceptances, guest_sessions: change.guestSessions });
  return change;
}
