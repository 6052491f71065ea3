import type { Attribute, Packet } from './packet';

/** The attributes pfSense and CoovaChilli send or act on, by their RFC 2865/2866/2869 numbers. */
export const attribute = {
  userName: 1, userPassword: 2, chapPassword: 3, nasIpAddress: 4, nasPort: 5, serviceType: 6, framedIpAddress: 8,
  replyMessage: 18, class: 25, sessionTimeout: 27, idleTimeout: 28, calledStationId: 30, callingStationId: 31,
  nasIdentifier: 32, acctStatusType: 40, acctInputOctets: 42, acctOutputOctets: 43, acctSessionId: 44,
  acctSessionTime: 46, acctTerminateCause: 49, acctInputGigawords: 52, acctOutputGigawords: 53, chapChallenge: 60,
  acctInterimInterval: 85,
} as const;

/** Vendor-Specific attributes: WISPr (14122), ChilliSpot/CoovaChilli (14559), pfSense (13644). */
export const vendor = { wispr: 14122, chillispot: 14559, pfsense: 13644 } as const;
export const wispr = { redirectionUrl: 4, bandwidthMaxUp: 7, bandwidthMaxDown: 8, sessionTerminateTime: 9 } as const;

export const acctStatus = { start: 1, stop: 2, interimUpdate: 3, accountingOn: 7, accountingOff: 8 } as const;

/** RFC 2866 5.10's Acct-Terminate-Cause values, by name, for the log and the session's end. */
export const terminateCauses: Record<number, string> = {
  1: 'User-Request', 2: 'Lost-Carrier', 3: 'Lost-Service', 4: 'Idle-Timeout', 5: 'Session-Timeout', 6: 'Admin-Reset',
  7: 'Admin-Reboot', 8: 'Port-Error', 9: 'NAS-Error', 10: 'NAS-Request', 11: 'NAS-Reboot', 12: 'Port-Unneeded',
  13: 'Port-Preempted', 14: 'Port-Suspended', 15: 'Service-Unavailable', 16: 'Callback', 17: 'User-Error', 18: 'Host-Request',
};

/** The first attribute of a type (a standard one unless `vendorId` is given), or undefined. */
export function find(packet: Packet, type: number, vendorId?: number): Buffer | undefined {
  return packet.attributes.find((a) => a.type === type && a.vendor === vendorId)?.value;
}

/** A text attribute as UTF-8, or undefined when absent. */
export function text(packet: Packet, type: number): string | undefined {
  return find(packet, type)?.toString('utf8');
}

/** A 32-bit integer attribute, or undefined when absent or not four octets. */
export function integer(packet: Packet, type: number): number | undefined {
  const value = find(packet, type);
  return value?.length === 4 ? value.readUInt32BE(0) : undefined;
}

/** An IPv4 address attribute in dotted form, or undefined. */
export function address(packet: Packet, type: number): string | undefined {
  const value = find(packet, type);
  return value?.length === 4 ? [...value].join('.') : undefined;
}

export const textAttribute = (type: number, value: string, vendorId?: number): Attribute =>
  ({ type, vendor: vendorId, value: Buffer.from(value, 'utf8').subarray(0, vendorId === undefined ? 253 : 247) });

export function integerAttribute(type: number, value: number, vendorId?: number): Attribute {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(Math.max(0, Math.min(0xffffffff, Math.floor(value))), 0);
  return { type, vendor: vendorId, value: buffer };
}
