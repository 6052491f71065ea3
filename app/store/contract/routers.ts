export interface Gateway {
  id: string;
  siteId: number;
  type: string;
  name: string;
  /** Owned by the gateway's driver, e.g. pfSense's { address }. */
  settings: Record<string, unknown>;
  createdAt: number;
  /** The router's last report of itself (WiFiDog ping); absent until it first calls. */
  lastContactAt?: number;
  /** Seconds since the router booted. */
  sysUptime?: number;
  /** Free memory in kB. */
  sysMemfree?: number;
  /** One-minute load average. */
  sysLoad?: number;
  /** Seconds the portal daemon (wifidog) has run. */
  daemonUptime?: number;
}

/** What a router reports about itself on each ping; null where it sent nothing readable. */
export interface GatewayHealth {
  sysUptime: number | null;
  sysMemfree: number | null;
  sysLoad: number | null;
  daemonUptime: number | null;
}

/** The venue's routers. Reads may hand out shared frozen objects, as for venues (see VenueStore). */
export interface RouterStore {
  /** Throws StoreConflictError when a router has that id already. */
  addGateway(gateway: Omit<Gateway, 'createdAt'>, at: number): Promise<Gateway>;
  getGateway(id: string): Promise<Gateway | undefined>;
  /** By id; every venue's when no venue is given. */
  listGateways(siteId?: number): Promise<Gateway[]>;
  /** Changes a router's name; false when there is no such router. */
  renameGateway(id: string, name: string): Promise<boolean>;
  /** Removes a router; its acceptances and guest sessions keep their rows, with no router. */
  removeGateway(id: string): Promise<boolean>;
  /** Records a router's ping; false if no gateway has that id. */
  recordGatewayContact(gatewayId: string, health: GatewayHealth, at: number): Promise<boolean>;
}
