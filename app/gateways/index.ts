import { gatewayIdPattern, type DriverOption, type GatewayDriver } from './driver';
import * as registered from './registered';
import type { Gateway } from '../store/types';
import type { Config } from '../config';
import { UserError } from '../errors';

/** Every router type Portico speaks, by the type name stored with each gateway. */
export const drivers: ReadonlyMap<string, GatewayDriver> = new Map(Object.values(registered).map((driver) => [driver.type, driver]));

export function driverFor(type: string): GatewayDriver | undefined {
  return drivers.get(type);
}

/** The options of every driver, each once by name: what `gateway add` and the add form may be given. */
export function allOptions(): DriverOption[] {
  const byName = new Map<string, DriverOption>();
  for (const driver of drivers.values()) for (const option of driver.options) if (!byName.has(option.name)) byName.set(option.name, option);
  return [...byName.values()];
}

/**
 * The settings stored for a router, from the options the owner gave by name (an empty one is not given);
 * `kept` are settings it has that stay where their option is not given again (a secret left blank); `portal` is this
 * Portico's address, for settings that depend on it. Throws a UserError.
 */
export function settingsFromOptions(
  driver: GatewayDriver, given: Record<string, string | undefined>, kept: Record<string, unknown> = {}, portal?: Pick<Config, 'publicUrl'>,
): Record<string, unknown> {
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined || value.trim() === '' || driver.options.some((option) => option.name === name)) continue;
    const owners = [...drivers.values()].filter((other) => other.options.some((option) => option.name === name)).map((other) => other.shortLabel);
    const own = driver.options.map((option) => `--${option.name}`).join(', ') || 'no options';
    throw new UserError(`--${name} is for ${owners.join(' and ') || 'no router type'}; a ${driver.shortLabel} router takes ${own}`);
  }
  const settings: Record<string, unknown> = {};
  for (const option of driver.options) {
    const text = given[option.name]?.trim() || undefined;
    if (text !== undefined) settings[option.setting] = option.parse(text);
    else if (kept[option.setting] !== undefined) settings[option.setting] = kept[option.setting];
    else if (option.default !== undefined) settings[option.setting] = option.parse(option.default);
    else if (option.required) throw new UserError(`${option.label} is needed: ${option.help}`);
  }
  return driver.settle ? driver.settle(settings, portal) : settings;
}

export interface NewGatewayInput {
  type: string;
  id: string;
  name?: string;
  /** The type's options by name, as its driver describes them. */
  options: Record<string, string | undefined>;
}

/** A router's name as the owner typed it, trimmed; throws UserError when empty or too long. */
export function routerName(text: string): string {
  const name = text.trim();
  if (name === '') throw new UserError('The router needs a name.');
  if (name.length > 100) throw new UserError('The name must be at most 100 characters.');
  return name;
}

/** A router as the owner described it (command line or admin form), checked; throws UserError. */
export function parseNewGateway(input: NewGatewayInput, siteId: number, portal: Pick<Config, 'publicUrl'>): Omit<Gateway, 'createdAt'> {
  const driver = driverFor(input.type);
  if (!driver) throw new UserError(`unknown gateway type "${input.type}"; types: ${[...drivers.keys()].join(', ')}`);
  if (!gatewayIdPattern.test(input.id)) throw new UserError('The id must be 1 to 64 letters, digits, ".", "_", ":" or "-".');
  const name = routerName(input.name?.trim() || input.id);
  return { id: input.id, siteId, type: driver.type, name, settings: settingsFromOptions(driver, input.options, {}, portal) };
}

/** Seconds between a router's reports of itself, as its driver reads them from its settings; null when it never reports. */
export function reportIntervalOf(gateway: Gateway): number | null {
  return driverFor(gateway.type)?.health.reportIntervalSeconds(gateway.settings) ?? null;
}
