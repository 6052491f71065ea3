import type { Client, ClientConfig } from 'pg';
import pg from './pg';
import { log } from '../../log';
import type { Gateway, Site, TermsVersion } from '../types';

/**
 * Venues, routers and terms are read on every guest and router request and change only when the owner
 * edits them, so reads of them are served from memory, as in the SQLite store. Several instances share
 * the database: a change committed by any of them, or by the command line, reaches every instance at
 * commit through NOTIFY (the triggers of migrations/postgres/001_initial.sql), and drops what it changed.
 * While the listening connection is down nothing is cached, since no change would be heard.
 * Cached objects are frozen: shared, never changed.
 */
export class ConfigurationCache {
  readonly sites = new Map<number, Site>();
  readonly gateways = new Map<string, Gateway>();
  readonly termsById = new Map<number, TermsVersion>();
  /** Current terms by `siteId language`. */
  readonly currentTerms = new Map<string, TermsVersion>();
  /**
   * Counts what was dropped: a read that began before a change and ends after it may have read the old
   * row, so it is handed out but not kept.
   */
  private generation = 0;
  private listening = false;

  /** After a write to a venue: its settings and its current terms (which follow the default language). */
  forgetSites(): void {
    this.generation++;
    this.sites.clear();
    this.currentTerms.clear();
  }

  forgetGateway(id: string): void {
    this.generation++;
    this.gateways.delete(id);
  }

  forgetGateways(): void {
    this.generation++;
    this.gateways.clear();
  }

  forgetTerms(): void {
    this.generation++;
    this.currentTerms.clear();
    this.termsById.clear();
  }

  forgetAll(): void {
    this.forgetSites();
    this.forgetTerms();
    this.forgetGateways();
  }

  /** A NOTIFY payload, `schema table id`: drops what that row's change may have changed. */
  changed(payload: string, schema: string): void {
    const [inSchema, table, id] = payload.split(' ');
    if (inSchema !== schema) return; // another installation's, in the same database
    if (table === 'sites') this.forgetSites();
    else if (table === 'gateways') this.forgetGateway(id);
    else this.forgetTerms();
  }

  /** Caches only while changes are heard; each switch drops everything. */
  setListening(listening: boolean): void {
    this.listening = listening;
    this.forgetAll();
  }

  /** The cached value, else `read()`'s (cached unless absent: unknown ids asked by strangers are not kept). */
  async get<K, V extends object>(map: Map<K, V>, key: K, read: () => Promise<V | undefined>): Promise<V | undefined> {
    const cached = map.get(key);
    if (cached !== undefined) return cached;
    const generation = this.generation;
    const value = await read();
    if (value === undefined) return undefined;
    deepFreeze(value);
    if (this.listening && generation === this.generation) map.set(key, value);
    return value;
  }
}

function deepFreeze<T extends object>(value: T): T {
  for (const field of Object.values(value)) if (typeof field === 'object' && field !== null) deepFreeze(field);
  return Object.freeze(value);
}

/** How long the listener waits before connecting again after losing its connection. */
const reconnectMs = 1000;

/**
 * Keeps one connection (outside the pool) listening for configuration changes, connecting again whenever it
 * is lost; resolves once it listens the first time.
 */
export async function listenForChanges(config: ClientConfig, cache: ConfigurationCache, schema: string): Promise<{ stop(): Promise<void> }> {
  let client: Client | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const next = new pg.Client(config);
    next.on('notification', (message) => cache.changed(message.payload ?? '', schema));
    next.on('error', (error) => lost(next, error));
    next.on('end', () => lost(next));
    try {
      await next.connect();
      await next.query('LISTEN portico_configuration');
    } catch (error) {
      next.end().catch(() => {});
      throw error;
    }
    client = next;
    cache.setListening(true);
  }

  function lost(which: Client, error?: Error): void {
    if (client !== which) return;
    client = undefined;
    cache.setListening(false);
    which.end().catch(() => {});
    if (stopped) return;
    log.warn('lost the database connection that hears configuration changes; caching nothing until it is back', { error: error?.message });
    retry();
  }

  function retry(): void {
    timer = setTimeout(() => {
      connect().catch(() => { if (!stopped) retry(); });
    }, reconnectMs);
    timer.unref();
  }

  await connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      const last = client;
      client = undefined;
      cache.setListening(false);
      await last?.end();
    },
  };
}
