export interface Gateway {
  id: string;
  siteId: number;
  type: string;
  name: string;
  /** Owned by the gateway's driver, e.g. { address }. */
  settings: Record<string, unknown>;
  createdAt: number;
  /** When the router last reported itself (a ping); absent until it first does. */
  lastContactAt?: number;
  /** What it reported then; absent until it first does. */
  health?: ReportedHealth;
}

/** A router's figures about itself, by names its driver owns (sysUptime, sysLoad, say). */
export type ReportedHealth = Record<string, number>;

/** The venue's routers. Reads may hand out shared frozen objects, as for venues (see VenueStore). */
export interface RouterStore {
  /** Throws StoreConflictError when a router has that id already. */
  addGateway(gateway: Omit<Gateway, 'createdAt'>, at: number): Promise<Gateway>;
  getGateway(id: string): Promise<Gateway | undefined>;
  /** By id; every venue's when no venue is given. */
  listGateways(siteId?: number): Promise<Gateway[]>;
  /** Changes a router's name; false when there is no such router. */
  renameGateway(id: string, name: string): Promise<boolean>;
  /** Replaces a router's settings (its driver's, checked); false when there is no such router. */
  setGatewaySettings(id: string, settings: Record<string, unknown>): Promise<boolean>;
  /** Removes a router; its acceptances and guest sessions keep their rows, with no router. */
  removeGateway(id: string): Promise<boolean>;
  /** Records a router's report of itself, in place of the one before; false if no gateway has that id. */
  recordGatewayContact(gatewayId: string, health: ReportedHealth, at: number): Promise<boolean>;
}
