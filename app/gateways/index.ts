import type { GatewayDriver } from './driver';
import { pfsense } from './pfsense';
import { wifidog } from './wifidog';

/** Every router type Portico speaks, by the type name stored with each gateway. */
export const drivers: ReadonlyMap<string, GatewayDriver> = new Map([pfsense, wifidog].map((driver) => [driver.type, driver]));

export function driverFor(type: string): GatewayDriver | undefined {
  return drivers.get(type);
}
