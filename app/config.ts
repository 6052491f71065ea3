import { ConfigError } from './errors';
import path from 'node:path';

/** Every setting Portico reads from its environment, parsed and checked once at start. */
export interface Config {
  port: number;
  /** Interface to listen on; empty means all interfaces. */
  host: string;
  dataDir: string;
  /** Where guests and routers reach Portico; pages and setup text are built from it. */
  publicUrl: URL;
  /** True when guests reach Portico over HTTPS (directly or through a proxy). */
  secure: boolean;
  /** Express "trust proxy" value; false unless Portico sits behind a reverse proxy. */
  trustProxy: boolean | number | string;
  /**
   * Whether a guest-LAN request must come from the IP its router reported (app/network-address.ts); off
   * where the router NATs its guests into the private network Portico is on, so every guest has its address.
   */
  guestAddressCheck: boolean;
  tlsCert: string | null;
  tlsKey: string | null;
  /** SQLite durability: NORMAL survives a process crash, FULL also a power cut. */
  sqliteSynchronous: 'NORMAL' | 'FULL';
  /** Days raw MAC, IP and user agent are kept; 0 means they are never stored. */
  retentionDays: number;
  /** Bearer token for GET /metrics; null turns /metrics off. */
  metricsToken: string | null;
  /** Log lines as readable text, or one JSON object each (journald, Loki, CloudWatch). */
  logFormat: 'text' | 'json';
  /** Requests allowed per minute, per source address, per gateway and per login token. */
  rateLimits: RateLimits;
  connections: ConnectionLimits;
}

export interface RateLimits {
  perAddress: number;
  perGateway: number;
  perToken: number;
}

/** What one client may hold open at the HTTP server, so that slow or idle connections cannot exhaust it. */
export interface ConnectionLimits {
  /** Concurrent connections from one source address; more are closed at once. */
  perAddress: number;
  /** Time for a request's headers to arrive. */
  headersTimeoutMs: number;
  /** Time for a whole request, body included, to arrive. */
  requestTimeoutMs: number;
  /** Time an idle keep-alive connection is kept. */
  keepAliveTimeoutMs: number;
}


type Env = Record<string, string | undefined>;

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number, got "${value}"`);
  return port;
}

function parseWholeNumber(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return number;
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value; // a list of addresses or subnets, as Express accepts it
}

function connectionLimits(env: Env): ConnectionLimits {
  const headersTimeoutMs = parseWholeNumber('HEADERS_TIMEOUT_SECONDS', env.HEADERS_TIMEOUT_SECONDS, 10, 1, 300) * 1000;
  const requestTimeoutMs = parseWholeNumber('REQUEST_TIMEOUT_SECONDS', env.REQUEST_TIMEOUT_SECONDS, 60, 1, 3600) * 1000;
  if (headersTimeoutMs > requestTimeoutMs) throw new ConfigError('HEADERS_TIMEOUT_SECONDS must not exceed REQUEST_TIMEOUT_SECONDS');
  return {
    // A whole venue behind one NAT is one address to a cloud-hosted Portico: hundreds of phones, each with a few connections.
    perAddress: parseWholeNumber('CONNECTIONS_PER_ADDRESS', env.CONNECTIONS_PER_ADDRESS, 500, 1, 1_000_000),
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: 5000,
  };
}

export function loadConfig(env: Env = process.env): Config {
  const port = parsePort(env.PORT, 8080);
  const tlsCert = env.TLS_CERT || null;
  const tlsKey = env.TLS_KEY || null;
  if ((tlsCert === null) !== (tlsKey === null)) throw new ConfigError('TLS_CERT and TLS_KEY must be given together');

  let publicUrl: URL;
  try {
    publicUrl = new URL(env.PUBLIC_URL || `${tlsCert ? 'https' : 'http'}://localhost:${port}`);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute URL, got "${env.PUBLIC_URL}"`);
  }
  if (publicUrl.protocol !== 'http:' && publicUrl.protocol !== 'https:') throw new ConfigError('PUBLIC_URL must use http or https');
  publicUrl.pathname = publicUrl.pathname.replace(/(?<!\/)\/*$/, '/');
  publicUrl.search = '';
  publicUrl.hash = '';

  const synchronous = (env.SQLITE_SYNCHRONOUS || 'NORMAL').toUpperCase();
  if (synchronous !== 'NORMAL' && synchronous !== 'FULL') throw new ConfigError('SQLITE_SYNCHRONOUS must be NORMAL or FULL');

  const guestAddressCheck = (env.GUEST_ADDRESS_CHECK || 'on').toLowerCase();
  if (guestAddressCheck !== 'on' && guestAddressCheck !== 'off') throw new ConfigError('GUEST_ADDRESS_CHECK must be on or off');

  const logFormat = (env.LOG_FORMAT || 'text').toLowerCase();
  if (logFormat !== 'text' && logFormat !== 'json') throw new ConfigError('LOG_FORMAT must be text or json');

  const metricsToken = env.METRICS_TOKEN || null;
  if (metricsToken !== null && metricsToken.length < 16) throw new ConfigError('METRICS_TOKEN must be at least 16 characters');

  return {
    port,
    host: env.HOST || '',
    dataDir: path.resolve(env.DATA_DIR || 'data'),
    publicUrl,
    secure: publicUrl.protocol === 'https:',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    guestAddressCheck: guestAddressCheck === 'on',
    tlsCert,
    tlsKey,
    sqliteSynchronous: synchronous,
    retentionDays: parseWholeNumber('RETENTION_DAYS', env.RETENTION_DAYS, 30, 0, 3650),
    metricsToken,
    logFormat,
    // A whole venue may reach a cloud-hosted Portico from one public address, and its router speaks for
    // every guest: these defaults carry a 500-guest event arriving within one minute (see README).
    rateLimits: {
      perAddress: parseWholeNumber('RATE_LIMIT_ADDRESS', env.RATE_LIMIT_ADDRESS, 6000, 1, 1_000_000),
      perGateway: parseWholeNumber('RATE_LIMIT_GATEWAY', env.RATE_LIMIT_GATEWAY, 6000, 1, 1_000_000),
      perToken: parseWholeNumber('RATE_LIMIT_TOKEN', env.RATE_LIMIT_TOKEN, 30, 1, 1_000_000),
    },
    connections: connectionLimits(env),
  };
}

/** An absolute URL on this Portico, e.g. publicLink(config, 'preview'). */
export function publicLink(config: Pick<Config, 'publicUrl'>, relative: string): string {
  return new URL(relative.replace(/^\//, ''), config.publicUrl).href;
}
