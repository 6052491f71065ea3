import { randomBytes } from 'node:crypto';
import { UserError } from '../errors';
import { addressBlock } from '../radius/routers';
import type { DriverOption } from './driver';

/** The options every router that asks Portico's RADIUS server has (pfSense in RADIUS mode, CoovaChilli). */

/** A shared secret of 144 random bits in hex digits: every router's form takes it, and none starts like a flag. */
export function newSharedSecret(): string {
  return randomBytes(18).toString('hex');
}

/** Printable ASCII without spaces or quotes, 16 to 128 characters: what both routers' forms and config files carry. */
export function sharedSecret(what: string) {
  return (given: string) => {
    if (!/^[\x21-\x7e]{16,128}$/.test(given) || /["'\\]/.test(given)) {
      throw new UserError(`${what} must be 16 to 128 letters, digits or punctuation, without spaces or quotes; leave it out and Portico makes one`);
    }
    return given;
  };
}

export const radiusSecretOption: DriverOption = {
  name: 'radius-secret', setting: 'radiusSecret', label: 'RADIUS shared secret', placeholder: '<secret>',
  help: 'the secret the router and Portico\'s RADIUS server share; Portico makes one when none is given',
  parse: sharedSecret('The RADIUS shared secret'),
};

export const radiusFromOption: DriverOption = {
  name: 'radius-from', setting: 'radiusFrom', label: 'RADIUS packets from', placeholder: '<address or CIDR>',
  help: 'the address (or CIDR) the router\'s RADIUS packets come from, as Portico sees it; packets from elsewhere are dropped',
  parse(given) {
    if (!addressBlock(given)) throw new UserError(`"${given}" is not an address or CIDR such as 192.168.1.1 or 203.0.113.0/28`);
    return given;
  },
};

/** The note on pinning a RADIUS router, for its setup text. */
export function pinningNote(radiusFrom: unknown): string {
  return radiusFrom
    ? `Portico takes this router's RADIUS packets only from ${String(radiusFrom)}.`
    : 'Any address may send RADIUS packets in this router\'s name (with its secret): give "RADIUS packets from" its address on the router\'s page in the admin (or --radius-from when adding it), as Portico sees it.';
}
