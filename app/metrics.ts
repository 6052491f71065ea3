import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request } from 'express';

/**
 * Counters for monitoring, kept in memory since start and served in Prometheus text format.
 * Labels come from fixed sets (route patterns, status codes, driver types), never from raw request
 * text, so the number of series stays small whatever guests send.
 */
type Labels = Record<string, string>;

const families = {
  portico_http_requests_total: 'HTTP requests answered, by route pattern, method and status.',
  portico_acceptances_total: 'Acceptances recorded, by gateway type.',
  portico_router_contacts_total: 'Requests from routers (pings, auth checks), by gateway type and kind.',
  portico_errors_total: 'Requests that failed with a server error.',
  portico_rate_limited_total: 'Requests refused by a rate limit (429).',
  portico_radius_packets_total: 'RADIUS packets, by port (auth, acct) and outcome (accept, reject, response, resent, or why one was dropped).',
} as const;

export type MetricName = keyof typeof families;

const maxSeriesPerFamily = 2000;

export class Metrics {
  private readonly series = new Map<MetricName, Map<string, number>>();

  count(name: MetricName, labels: Labels = {}): void {
    let family = this.series.get(name);
    if (!family) this.series.set(name, family = new Map());
    const key = seriesKey(labels);
    if (!family.has(key) && family.size >= maxSeriesPerFamily) return;
    family.set(key, (family.get(key) ?? 0) + 1);
  }

  /** The value of one series, for tests and the health line. */
  value(name: MetricName, labels: Labels = {}): number {
    return this.series.get(name)?.get(seriesKey(labels)) ?? 0;
  }

  render(): string {
    let out = '';
    for (const [name, help] of Object.entries(families) as [MetricName, string][]) {
      out += `# HELP ${name} ${help}\n# TYPE ${name} counter\n`;
      const family = this.series.get(name);
      if (!family || family.size === 0) {
        out += `${name} 0\n`;
        continue;
      }
      for (const [key, value] of family) out += `${name}${key ? `{${key}}` : ''} ${value}\n`;
    }
    return out;
  }
}

function seriesKey(labels: Labels): string {
  const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return Object.entries(labels).map(([label, value]) => `${label}="${escape(value)}"`).join(',');
}

/** Counts one answered request by route pattern, method and status, and server errors. */
export function answered(metrics: Metrics, route: string, req: IncomingMessage, res: ServerResponse): void {
  const method = req.method === 'GET' || req.method === 'POST' || req.method === 'HEAD' ? req.method : 'other';
  metrics.count('portico_http_requests_total', { route, method, status: String(res.statusCode) });
  if (res.statusCode >= 500) metrics.count('portico_errors_total');
  if (res.statusCode === 429) metrics.count('portico_rate_limited_total');
}

/** True when the request carries `Authorization: Bearer <token>`; compared by hash in constant time. */
export function hasBearerToken(req: Request, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
  if (given === undefined) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}
