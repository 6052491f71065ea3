import type { ReportedHealth } from '../store/types';

/* What a WiFiDog router reports of itself in its ping, and the messages its gw_message.php names. */

/**
 * Whether a ping's figures could come from a real router: a decade of uptime, 2 TiB free, a load of 1024
 * at most. wifidog_uptime is wifidog's start time subtracted from the clock, which jumps from 1970 when
 * a router without a battery clock syncs by NTP: it is bounded by the epoch only.
 */
export function plausibleHealth(health: PingFigures, now: number): boolean {
  const within = (value: number | null, most: number) => value === null || value <= most;
  return within(health.sysUptime, 10 * 365 * 24 * 3600) && within(health.sysMemfree, 2 ** 31)
    && within(health.sysLoad, 1024) && within(health.daemonUptime, now / 1000);
}

/** What a ping reports; null where it sent nothing readable. */
export interface PingFigures {
  /** Seconds since the router booted. */
  sysUptime: number | null;
  /** Free memory in kB. */
  sysMemfree: number | null;
  /** One-minute load average. */
  sysLoad: number | null;
  /** Seconds the portal daemon (wifidog) has run. */
  daemonUptime: number | null;
}

/** The figures the router did send, as the store keeps a router's health. */
export function reportedHealth(figures: PingFigures): ReportedHealth {
  return Object.fromEntries(Object.entries(figures).filter(([, value]) => value !== null));
}

/** A number from the ping, or null: a router reporting odd figures still gets its Pong. */
function healthFigure(query: Record<string, unknown>, name: string, pattern: RegExp): number | null {
  const value = query[name];
  return typeof value === 'string' && pattern.test(value) ? Number(value) : null;
}

/** The figures of a ping's query. */
export function pingFigures(query: Record<string, unknown>): PingFigures {
  return {
    sysUptime: healthFigure(query, 'sys_uptime', /^\d{1,15}$/),
    sysMemfree: healthFigure(query, 'sys_memfree', /^\d{1,15}$/),
    sysLoad: healthFigure(query, 'sys_load', /^\d{1,6}(?:\.\d{1,6})?$/),
    daemonUptime: healthFigure(query, 'wifidog_uptime', /^\d{1,15}$/),
  };
}

/** What the gateway's gw_message.php?message= names (src/centralserver.h GATEWAY_MESSAGE_*), in the guest's words. */
export const gatewayMessages: Record<string, { title: string; message: string }> = {
  denied: {
    title: 'Not connected',
    message: 'This Wi-Fi login has expired or was already used. Open any website to see the terms again.',
  },
  activate: {
    title: 'Almost there',
    message: 'Your Wi-Fi access is being activated. Open any website in a moment.',
  },
  failed_validation: {
    title: 'Not connected',
    message: 'Your Wi-Fi access could not be confirmed. Open any website to see the terms again.',
  },
  'logged-out': {
    title: 'Logged out',
    message: 'You are logged out of the Wi-Fi. Open any website to connect again.',
  },
};
