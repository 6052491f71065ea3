import type { Gateway, Site, TermsVersion } from '../types';

/**
 * Venues, routers and terms are read on every guest and router request and change only when the owner
 * edits them, so reads of them are served from memory. An entry is dropped when this connection writes
 * its table, and everything is dropped when another connection (the command line) has committed,
 * which `PRAGMA data_version` reveals. Cached objects are frozen: shared, never changed.
 */
export class ConfigurationCache {
  readonly sites = new Map<number, Site>();
  readonly gateways = new Map<string, Gateway>();
  readonly termsById = new Map<number, TermsVersion>();
  /** Current terms by `siteId language`. */
  readonly currentTerms = new Map<string, TermsVersion>();
  private dataVersion = -1;
  private checkedThisTurn = false;

  constructor(private readonly readDataVersion: () => number) {}

  /**
   * Once per turn of the event loop, not per read: a request reads three or four cached rows, and the
   * check costs as much as a read. Another process's commit is then seen from the next turn on.
   */
  private dropIfChangedElsewhere(): void {
    if (this.checkedThisTurn) return;
    this.checkedThisTurn = true;
    setImmediate(() => { this.checkedThisTurn = false; }).unref();
    const version = this.readDataVersion();
    if (version === this.dataVersion) return;
    this.dataVersion = version;
    this.sites.clear();
    this.gateways.clear();
    this.termsById.clear();
    this.currentTerms.clear();
  }

  /** After a write to a venue: its settings and its current terms (which follow the default language). */
  forgetSites(): void {
    this.sites.clear();
    this.currentTerms.clear();
  }

  /** The cached value, else `read()`'s (cached unless absent: unknown ids asked by strangers are not kept). */
  get<K, V extends object>(map: Map<K, V>, key: K, read: () => V | undefined): V | undefined {
    this.dropIfChangedElsewhere();
    let value = map.get(key);
    if (value === undefined) {
      value = read();
      if (value !== undefined) map.set(key, deepFreeze(value));
    }
    return value;
  }
}

function deepFreeze<T extends object>(value: T): T {
  for (const field of Object.values(value)) if (typeof field === 'object' && field !== null) deepFreeze(field);
  return Object.freeze(value);
}
