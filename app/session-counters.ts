import type { GuestSession } from './store/types';

/** The fastest link a router could report for one guest, each way: 10 Gbit/s, in bytes per second. */
const maxBytesPerSecond = 10e9 / 8;
/** Allowance for the router's interval and ours not lining up. */
const counterSlackSeconds = 60;

/**
 * Counters the session could really have reached: a router's counters (WiFiDog's, RADIUS accounting's)
 * only grow, and no faster than a link since the session's previous report. Anything else is not
 * stored, so no report can inflate the figures.
 */
export function plausibleCounters(session: GuestSession, bytes: { in: number; out: number }, now: number): boolean {
  const seconds = Math.max(0, now - (session.lastCountersAt ?? session.startedAt ?? now)) / 1000 + counterSlackSeconds;
  const most = maxBytesPerSecond * seconds;
  return bytes.in >= session.bytesIn && bytes.out >= session.bytesOut && bytes.in - session.bytesIn <= most && bytes.out - session.bytesOut <= most;
}
