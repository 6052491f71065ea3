import type { Acceptance } from './acceptances';
import type { GuestSession } from './guest-sessions';

/** What is held about one device, oldest first. */
export interface GuestRecords {
  acceptances: Acceptance[];
  guestSessions: GuestSession[];
}

/** How many rows a purge or a forget changed. */
export interface PersonalDataChange {
  acceptances: number;
  guestSessions: number;
}

/** Durability, monitoring and the guests' privacy. */
export interface MaintenanceStore {
  /** True when the database answers a query. */
  isHealthy(): Promise<boolean>;
  /** A consistent copy of the whole database to `file` (created private, never overwritten) while it stays in use. */
  backup(file: string): Promise<void>;
  /**
   * Clears raw MAC, IP and user agent from acceptances made before `before`, and MAC and IP from guest
   * sessions that ended (or never started) before it; acceptances stay as evidence with their device id.
   * Works in batches so that guests are served in between.
   */
  purgePersonalData(before: number): Promise<PersonalDataChange>;
  /** Rows naming this MAC or this device id, as stored, without the session keys. */
  findGuestRecords(mac: string, deviceId: string): Promise<GuestRecords>;
  /**
   * Clears the personal fields and device id of this device's acceptances and deletes its guest sessions;
   * the statistics keep counting its acceptances and days under a random id that nothing links to the
   * device (its sessions leave the session figures).
   */
  forgetGuest(mac: string, deviceId: string): Promise<PersonalDataChange>;
  close(): Promise<void>;
}
