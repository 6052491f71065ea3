import { gatewayIdPattern, type GatewayDriver } from './driver';
import { pfsense } from './pfsense';
import { wifidog } from './wifidog';
import type { Gateway } from '../store/types';
import { UserError } from '../errors';

/** Every router type Portico speaks, by the type name stored with each gateway. */
export const drivers: ReadonlyMap<string, GatewayDriver> = new Map([pfsense, wifidog].map((driver) => [driver.type, driver]));

export function driverFor(type: string): GatewayDriver | undefined {
  return drivers.get(type);
}

export interface NewGatewayInput {
  type: string;
  id: string;
  name?: string;
  /** The type's options, passed to its driver's parseSettings (pfSense: address). */
  options: Record<string, string | undefined>;
}

/** A router as the owner described it (command line or admin form), checked; throws UserError. */
export function parseNewGateway(input: NewGatewayInput, siteId: number): Omit<Gateway, 'createdAt'> {
  const driver = driverFor(input.type);
  if (!driver) throw new UserError(`unknown gateway type "${input.type}"; types: ${[...drivers.keys()].join(', ')}`);
  if (!gatewayIdPattern.test(input.id)) throw new UserError('The id must be 1 to 64 letters, digits, ".", "_", ":" or "-".');
  const name = input.name?.trim() || input.id;
  if (name.length > 100) throw new UserError('The name must be at most 100 characters.');
  return { id: input.id, siteId, type: driver.type, name, settings: driver.parseSettings(input.options) };
}
