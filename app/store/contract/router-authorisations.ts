/** A line a polling router (openNDS level 3) fetches to let a guest online, once the guest accepted. */
export interface RouterAuthorisation {
  gatewayId: string;
  /** The router's venue. */
  siteId: number;
  /** The router's own key for the guest, unique on that router (openNDS's rhid). */
  key: string;
  /** What the router is given, as its driver writes it. */
  entry: string;
  queuedAt: number;
  /** Not acknowledged by then, it is no longer offered. */
  offerUntil: number;
}

/** Per router, the authorisations it has still to fetch. */
export interface RouterAuthorisationStore {
  /** Queues an authorisation; one queued already under that key on that router (the same page accepted again) stays as it is. */
  queueRouterAuthorisation(authorisation: RouterAuthorisation): Promise<void>;
  /** The router's authorisations still offered at `now`, oldest first, at most `limit`. */
  pendingRouterAuthorisations(gatewayId: string, now: number, limit: number): Promise<RouterAuthorisation[]>;
  /** Forgets the ones the router acknowledged; resolves to the keys that were queued (others are ignored). */
  forgetRouterAuthorisations(gatewayId: string, keys: string[]): Promise<string[]>;
  /** Forgets everything queued for the router (it restarted and asks for a clean queue). */
  clearRouterAuthorisations(gatewayId: string): Promise<number>;
}
