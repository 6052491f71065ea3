import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/*
 * RADIUS packets (RFC 2865 authentication, RFC 2866 accounting, RFC 3579 Message-Authenticator),
 * only as much as pfSense's and CoovaChilli's captive portals use. Values stay raw octets; the
 * attributes module reads and writes them by type.
 */

export const code = {
  accessRequest: 1, accessAccept: 2, accessReject: 3, accountingRequest: 4, accountingResponse: 5,
} as const;

/** The largest packet RFC 2865 allows; anything longer is not RADIUS. */
export const maxPacketLength = 4096;
const headerLength = 20;
const vendorSpecific = 26;
export const messageAuthenticatorType = 80;

export interface Attribute {
  type: number;
  /** For a Vendor-Specific attribute (26): the vendor's number, with `type` the vendor's own attribute type. */
  vendor?: number;
  value: Buffer;
}

export interface Packet {
  code: number;
  identifier: number;
  authenticator: Buffer;
  attributes: Attribute[];
  /** The datagram as received, for the authenticators' checks. */
  raw: Buffer;
}

export class MalformedPacket extends Error {}

/** Splits a Vendor-Specific attribute's value into the vendor's sub-attributes (RFC 2865 5.26's suggested format). */
function vendorAttributes(value: Buffer): Attribute[] {
  if (value.length < 6) throw new MalformedPacket('Vendor-Specific attribute too short');
  const vendor = value.readUInt32BE(0);
  const found: Attribute[] = [];
  for (let at = 4; at < value.length;) {
    const length = value[at + 1];
    if (at + 2 > value.length || length < 2 || at + length > value.length) throw new MalformedPacket('Vendor-Specific sub-attribute overruns');
    found.push({ type: value[at], vendor, value: value.subarray(at + 2, at + length) });
    at += length;
  }
  return found;
}

/** A datagram as a packet; throws MalformedPacket for anything that is not well-formed RADIUS. */
export function decodePacket(raw: Buffer): Packet {
  if (raw.length < headerLength || raw.length > maxPacketLength) throw new MalformedPacket(`length ${raw.length}`);
  const length = raw.readUInt16BE(2);
  // RFC 2865 3: octets beyond Length are padding, to be ignored; a Length beyond the datagram is not a packet.
  if (length < headerLength || length > raw.length) throw new MalformedPacket(`Length field ${length} for ${raw.length} octets`);
  const packet = raw.subarray(0, length);
  const attributes: Attribute[] = [];
  for (let at = headerLength; at < length;) {
    const attributeLength = packet[at + 1];
    if (at + 2 > length || attributeLength < 2 || at + attributeLength > length) throw new MalformedPacket('attribute overruns the packet');
    const type = packet[at];
    const value = packet.subarray(at + 2, at + attributeLength);
    if (type === vendorSpecific) attributes.push(...vendorAttributes(value));
    else attributes.push({ type, value });
    at += attributeLength;
  }
  return { code: packet[0], identifier: packet[1], authenticator: packet.subarray(4, 20), attributes, raw: packet };
}

function encodeAttribute(attribute: Attribute): Buffer {
  const maxValue = attribute.vendor === undefined ? 253 : 247;
  if (attribute.value.length > maxValue) throw new RangeError(`attribute ${attribute.type} value of ${attribute.value.length} octets`);
  const inner = Buffer.concat([Buffer.from([attribute.type, attribute.value.length + 2]), attribute.value]);
  if (attribute.vendor === undefined) return inner;
  const header = Buffer.alloc(6);
  header[0] = vendorSpecific;
  header[1] = inner.length + 6;
  header.writeUInt32BE(attribute.vendor, 2);
  return Buffer.concat([header, inner]);
}

const md5 = (...parts: Buffer[]) => parts.reduce((hash, part) => hash.update(part), createHash('md5')).digest();

/** Where the Message-Authenticator's 16 octets are in a packet, or -1. */
function messageAuthenticatorOffset(packet: Buffer): number {
  for (let at = headerLength; at + 2 <= packet.length; at += packet[at + 1]) {
    if (packet[at + 1] < 2) return -1;
    if (packet[at] === messageAuthenticatorType && packet[at + 1] === 18) return at + 2;
  }
  return -1;
}

/** HMAC-MD5 of the packet with the Message-Authenticator zeroed and `authenticator` in the header (RFC 3579 3.2). */
function messageAuthenticator(packet: Buffer, authenticator: Buffer, secret: Buffer, offset: number): Buffer {
  const copy = Buffer.from(packet);
  authenticator.copy(copy, 4);
  copy.fill(0, offset, offset + 16);
  return createHmac('md5', secret).update(copy).digest();
}

/** Whether the request has a Message-Authenticator, and if so whether the shared secret made it. */
export function checkMessageAuthenticator(request: Packet, secret: Buffer): 'absent' | 'valid' | 'invalid' {
  const offset = messageAuthenticatorOffset(request.raw);
  if (offset < 0) return request.attributes.some((a) => a.type === messageAuthenticatorType && a.vendor === undefined) ? 'invalid' : 'absent';
  // An Accounting-Request's own authenticator is made after it, over zeros (as FreeRADIUS does).
  const authenticator = request.code === code.accountingRequest ? Buffer.alloc(16) : request.authenticator;
  const expected = messageAuthenticator(request.raw, authenticator, secret, offset);
  return timingSafeEqual(expected, request.raw.subarray(offset, offset + 16)) ? 'valid' : 'invalid';
}

/** An Accounting-Request's authenticator is MD5 over the packet with 16 zero octets in its place and the secret (RFC 2866 3). */
export function accountingRequestIsSigned(request: Packet, secret: Buffer): boolean {
  const copy = Buffer.from(request.raw);
  copy.fill(0, 4, 20);
  return timingSafeEqual(md5(copy, secret), request.authenticator);
}

/**
 * The reply to a request, with a Message-Authenticator (always: RFC 3579 and the BlastRADIUS advice)
 * and the Response Authenticator over it (RFC 2865 3). An Accounting-Response's Message-Authenticator is
 * made over 16 zero octets in the authenticator field, as the Accounting-Request's, the way FreeRADIUS
 * signs and checks it (src/lib/radius.c, rad_sign and rad_verify): radclient drops one made otherwise.
 */
export function encodeReply(request: Packet, replyCode: number, attributes: Attribute[], secret: Buffer): Buffer {
  const body = Buffer.concat([...attributes.map(encodeAttribute), Buffer.from([messageAuthenticatorType, 18]), Buffer.alloc(16)]);
  const packet = Buffer.concat([Buffer.alloc(headerLength), body]);
  if (packet.length > maxPacketLength) throw new RangeError(`reply of ${packet.length} octets`);
  packet[0] = replyCode;
  packet[1] = request.identifier;
  packet.writeUInt16BE(packet.length, 2);
  const offset = packet.length - 16;
  const signedOver = replyCode === code.accountingResponse ? Buffer.alloc(16) : request.authenticator;
  messageAuthenticator(packet, signedOver, secret, offset).copy(packet, offset);
  request.authenticator.copy(packet, 4);
  md5(packet, secret).copy(packet, 4);
  return packet;
}

/** The password a User-Password attribute hides, trailing NULs removed; null when it is not a whole number of blocks. */
export function revealPassword(hidden: Buffer, secret: Buffer, authenticator: Buffer): Buffer | null {
  if (hidden.length < 16 || hidden.length > 128 || hidden.length % 16 !== 0) return null;
  const plain = Buffer.alloc(hidden.length);
  let previous = authenticator;
  for (let at = 0; at < hidden.length; at += 16) {
    const mask = md5(secret, previous);
    for (let i = 0; i < 16; i++) plain[at + i] = hidden[at + i] ^ mask[i];
    previous = hidden.subarray(at, at + 16);
  }
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  return plain.subarray(0, end);
}

/** Whether a CHAP-Password (ident + MD5(ident + password + challenge), RFC 2865 5.3) was made with this password. */
export function chapMatches(chapPassword: Buffer, challenge: Buffer, password: Buffer): boolean {
  if (chapPassword.length !== 17 || challenge.length === 0) return false;
  const expected = md5(chapPassword.subarray(0, 1), password, challenge);
  return timingSafeEqual(expected, chapPassword.subarray(1));
}
