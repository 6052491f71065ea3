import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { ConfigError } from './errors';

/** Whether a DATABASE_URL names a PostgreSQL database. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(url);
}

/** Every setting Portico reads from its environment, parsed and checked once at start. */
export interface Config {
  port: number;
  /** Interface to listen on; empty means all interfaces. */
  host: string;
  dataDir: string;
  /**
   * A PostgreSQL database (postgres:// or postgresql://) shared by every instance, in place of the SQLite
   * file in dataDir; null for SQLite, the embedded default.
   */
  databaseUrl: string | null;
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
  /** Whether PUBLIC_URL was given: without it, pages and setup text point to localhost, which no guest reaches. */
  publicUrlGiven: boolean;
  /** Log lines as readable text, or one JSON object each (journald, Loki, CloudWatch). */
  logFormat: 'text' | 'json';
  logLevel: LogLevel;
  /** Requests allowed per minute, per source address, per gateway and per login token. */
  rateLimits: RateLimits;
  connections: ConnectionLimits;
  /** Where the RADIUS server listens for pfSense (RADIUS mode) and CoovaChilli routers; null when turned off. */
  radius: RadiusListen | null;
}

export interface RadiusListen {
  /** Interface to bind; empty means all interfaces. */
  host: string;
  authPort: number;
  acctPort: number;
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
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Every setting's name: loadConfig reads no other, and the settings file is checked against them. */
const settingNames = [
  'PORT', 'HOST', 'DATA_DIR', 'DATABASE_URL', 'PUBLIC_URL', 'TRUST_PROXY', 'GUEST_ADDRESS_CHECK', 'TLS_CERT', 'TLS_KEY',
  'SQLITE_SYNCHRONOUS', 'RETENTION_DAYS', 'METRICS_TOKEN', 'LOG_FORMAT', 'LOG_LEVEL',
  'RATE_LIMIT_ADDRESS', 'RATE_LIMIT_GATEWAY', 'RATE_LIMIT_TOKEN',
  'CONNECTIONS_PER_ADDRESS', 'HEADERS_TIMEOUT_SECONDS', 'REQUEST_TIMEOUT_SECONDS',
  'RADIUS_HOST', 'RADIUS_PORT', 'RADIUS_ACCT_PORT',
] as const;
type SettingName = (typeof settingNames)[number];
type Settings = Partial<Record<SettingName, string>>;

/** The file the server and the command line both read their settings from, in the folder they run in. */
export const settingsFileName = 'portico.env';

export interface SettingsRead {
  settings: Settings;
  /** The settings file read, or null when there is none. */
  file: string | null;
  /** What in the file was ignored, for the log or stderr. */
  warnings: string[];
}

// NAME=value, optionally after `export ` (a shell can source the file too) and with the value in quotes.
const settingLine = /^(?:export\s+)?([A-Za-z_]\w*)\s*=(.*)$/;

/** A settings file's lines, as systemd's EnvironmentFile and Docker Compose's env_file read the same simple file. */
function parseSettingsFile(file: string, text: string, warnings: string[]): Settings {
  const settings: Settings = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${file} line ${index + 1}`;
    const match = settingLine.exec(line);
    if (!match) throw new ConfigError(`${where}: expected NAME=value, got "${line.slice(0, 80)}"`);
    const [, name, given] = match;
    const quoted = /^(["'])(.*)\1$/.exec(given.trim());
    const value = quoted ? quoted[2] : given.trim();
    if ((settingNames as readonly string[]).includes(name)) settings[name as SettingName] = value;
    else warnings.push(`${where}: ${name} is not a Portico setting; ignored`);
  });
  return settings;
}

/**
 * Portico's settings: the settings file in `folder` (the working directory of `npm start` and
 * `npx portico`), with each variable of the environment winning over the file's line of the same name.
 */
export function readSettings(env: Env = process.env, folder = process.cwd()): SettingsRead {
  const file = path.resolve(folder, settingsFileName);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { settings: fromEnvironment(env), file: null, warnings: [] };
    throw new ConfigError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const warnings: string[] = [];
  return { settings: { ...parseSettingsFile(file, text, warnings), ...fromEnvironment(env) }, file, warnings };
}

function fromEnvironment(env: Env): Settings {
  return Object.fromEntries(settingNames.filter((name) => env[name] !== undefined).map((name) => [name, env[name]]));
}

function parsePort(value: string | undefined, fallback: number, name = 'PORT'): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new ConfigError(`${name} must be a port number, got "${value}"`);
  return port;
}

/** RFC 2865's and 2866's ports unless set; RADIUS_PORT=off turns the RADIUS server off. */
function radiusListen(env: Settings): RadiusListen | null {
  if (env.RADIUS_PORT?.toLowerCase() === 'off') return null;
  return {
    host: env.RADIUS_HOST || env.HOST || '',
    authPort: parsePort(env.RADIUS_PORT, 1812, 'RADIUS_PORT'),
    acctPort: parsePort(env.RADIUS_ACCT_PORT, 1813, 'RADIUS_ACCT_PORT'),
  };
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

function connectionLimits(env: Settings): ConnectionLimits {
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

export function loadConfig(env: Settings = fromEnvironment(process.env)): Config {
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

  const databaseUrl = env.DATABASE_URL || null;
  if (databaseUrl !== null && !isPostgresUrl(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host/database), or unset for SQLite in DATA_DIR');
  }

  const guestAddressCheck = (env.GUEST_ADDRESS_CHECK || 'on').toLowerCase();
  if (guestAddressCheck !== 'on' && guestAddressCheck !== 'off') throw new ConfigError('GUEST_ADDRESS_CHECK must be on or off');

  const logFormat = (env.LOG_FORMAT || 'text').toLowerCase();
  if (logFormat !== 'text' && logFormat !== 'json') throw new ConfigError('LOG_FORMAT must be text or json');

  const logLevel = (env.LOG_LEVEL || 'info').toLowerCase();
  if (!isLogLevel(logLevel)) throw new ConfigError('LOG_LEVEL must be debug, info, warn or error');

  const metricsToken = env.METRICS_TOKEN || null;
  if (metricsToken !== null && metricsToken.length < 16) throw new ConfigError('METRICS_TOKEN must be at least 16 characters');

  return {
    port,
    host: env.HOST || '',
    dataDir: path.resolve(env.DATA_DIR || 'data'),
    databaseUrl,
    publicUrl,
    publicUrlGiven: Boolean(env.PUBLIC_URL),
    secure: publicUrl.protocol === 'https:',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    guestAddressCheck: guestAddressCheck === 'on',
    tlsCert,
    tlsKey,
    sqliteSynchronous: synchronous,
    retentionDays: parseWholeNumber('RETENTION_DAYS', env.RETENTION_DAYS, 30, 0, 3650),
    metricsToken,
    logFormat,
    logLevel,
    // A whole venue may reach a cloud-hosted Portico from one public address, and its router speaks for
    // every guest: these defaults carry a 500-guest event arriving within one minute (see README).
    rateLimits: {
      perAddress: parseWholeNumber('RATE_LIMIT_ADDRESS', env.RATE_LIMIT_ADDRESS, 6000, 1, 1_000_000),
      perGateway: parseWholeNumber('RATE_LIMIT_GATEWAY', env.RATE_LIMIT_GATEWAY, 6000, 1, 1_000_000),
      perToken: parseWholeNumber('RATE_LIMIT_TOKEN', env.RATE_LIMIT_TOKEN, 30, 1, 1_000_000),
    },
    connections: connectionLimits(env),
    radius: radiusListen(env),
  };
}

function isLogLevel(level: string): level is LogLevel {
  return ['debug', 'info', 'warn', 'error'].includes(level);
}

/**
 * Why guests could not reach the PUBLIC_URL that pages and router setup are built from, or null: unset (so
 * localhost) or a loopback address is this machine to the one who opens it, never Portico to a phone.
 */
export function publicUrlProblem(config: Pick<Config, 'publicUrl' | 'publicUrlGiven'>): string | null {
  const shown = config.publicUrl.href;
  if (!config.publicUrlGiven) return `PUBLIC_URL is not set, so routers and guests would be sent to ${shown}, which no phone can reach`;
  const host = config.publicUrl.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host.endsWith('.localhost')
    || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1' || host === '0.0.0.0' || host === '::';
  return loopback ? `PUBLIC_URL is ${shown}, an address of this machine only: guests' phones cannot reach it` : null;
}

/** An absolute URL on this Portico, e.g. publicLink(config, 'preview'). */
export function publicLink(config: Pick<Config, 'publicUrl'>, relative: string): string {
  return new URL(relative.replace(/^\//, ''), config.publicUrl).href;
}
