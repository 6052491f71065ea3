import { createHash, randomBytes } from 'node:crypto';

/*
 * The requests a pfSense 2.7 zone in RADIUS mode sends (../shared/reference/radius.md, part A, 4.2 and
 * 6.2), attribute for attribute, encoded here: the app decodes and answers but never sends requests.
 * PAP, no Message-Authenticator (2.7 and 2.8 send none), NAS-Identifier = the zone's (the gateway id).
 */

const type = {
  userName: 1, userPassword: 2, nasIpAddress: 4, nasPort: 5, serviceType: 6, framedIpAddress: 8, calledStationId: 30,
  callingStationId: 31, nasIdentifier: 32, acctStatusType: 40, acctInputOctets: 42, acctOutputOctets: 43, acctSessionId: 44,
  acctAuthentic: 45, acctSessionTime: 46, acctInputPackets: 47, acctOutputPackets: 48, acctInputGigawords: 52, acctOutputGigawords: 53,
  nasPortType: 61,
} as const;

export const accessRequest = 1;
export const accessAccept = 2;
export const accountingRequest = 4;
export const accountingResponse = 5;

type Attribute = [number, Buffer];

const md5 = (...parts: Buffer[]) => parts.reduce((hash, part) => hash.update(part), createHash('md5')).digest();
const text = (t: number, value: string): Attribute => [t, Buffer.from(value, 'utf8')];
const integer = (t: number, value: number): Attribute => {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value >>> 0);
  return [t, buffer];
};
const ipv4 = (t: number, address: string): Attribute => [t, Buffer.from(address.split('.').map(Number))];

function packet(code: number, identifier: number, authenticator: Buffer, attributes: Attribute[]): Buffer {
  const body = Buffer.concat(attributes.map(([t, value]) => Buffer.concat([Buffer.from([t, value.length + 2]), value])));
  const header = Buffer.alloc(20);
  header[0] = code;
  header[1] = identifier;
  header.writeUInt16BE(20 + body.length, 2);
  authenticator.copy(header, 4);
  return Buffer.concat([header, body]);
}

/** RFC 2865 5.2: the password NUL-padded to 16-octet blocks, each XORed with MD5(secret + previous block). */
export function hidePassword(password: string, secret: Buffer, authenticator: Buffer): Buffer {
  const plain = Buffer.from(password, 'utf8');
  const hidden = Buffer.alloc(Math.max(16, Math.ceil(plain.length / 16) * 16));
  plain.copy(hidden);
  let previous = authenticator;
  for (let at = 0; at < hidden.length; at += 16) {
    const mask = md5(secret, previous);
    for (let i = 0; i < 16; i++) hidden[at + i] ^= mask[i];
    previous = hidden.subarray(at, at + 16);
  }
  return hidden;
}

/** One guest behind the simulated pfSense: the login Portico issued for it and the addresses it was issued for. */
export interface BenchGuest {
  username: string;
  password: string;
  mac: string;
  ip: string;
  /** Its pipe number (pfSense's NAS-Port) and accounting session id. */
  pipe: number;
  sessionId: string;
}

export interface BenchNas {
  nasId: string;
  secret: Buffer;
}

const nasIp = '192.168.1.1';
const calledStation = '00:08:a2:0c:11:22:pfSense.home.arpa';

/** pfSense's Access-Request for a guest's login (4.2): PAP, in pfSense's attribute order. */
export function pfsenseAccessRequest(nas: BenchNas, guest: BenchGuest, identifier: number): Buffer {
  const authenticator = randomBytes(16);
  return packet(accessRequest, identifier, authenticator, [
    integer(type.serviceType, 1), text(type.userName, guest.username), [type.userPassword, hidePassword(guest.password, nas.secret, authenticator)],
    ipv4(type.nasIpAddress, nasIp), text(type.nasIdentifier, nas.nasId), text(type.callingStationId, guest.mac),
    text(type.calledStationId, calledStation), integer(type.nasPortType, 15), integer(type.nasPort, guest.pipe), ipv4(type.framedIpAddress, guest.ip),
  ]);
}

export interface Counters {
  sessionSeconds: number;
  inputOctets: number;
  outputOctets: number;
}

/** pfSense's Accounting-Request Start (status 1) or Interim-Update (3) for a guest's session (6.2), Service-Type twice as pfSense sends it. */
export function pfsenseAccountingRequest(nas: BenchNas, guest: BenchGuest, identifier: number, status: 1 | 3, counters?: Counters): Buffer {
  const attributes: Attribute[] = [
    integer(type.serviceType, 1), text(type.userName, guest.username), integer(type.acctStatusType, status), integer(type.acctAuthentic, 1),
    integer(type.serviceType, 1), ipv4(type.nasIpAddress, nasIp), text(type.nasIdentifier, nas.nasId), integer(type.nasPortType, 15),
    integer(type.nasPort, guest.pipe), text(type.acctSessionId, guest.sessionId), ipv4(type.framedIpAddress, guest.ip),
    text(type.callingStationId, guest.mac), text(type.calledStationId, calledStation),
  ];
  if (status === 3 && counters) {
    attributes.push(
      integer(type.acctInputPackets, Math.ceil(counters.inputOctets / 600)), integer(type.acctInputOctets, counters.inputOctets % 2 ** 32),
      integer(type.acctOutputPackets, Math.ceil(counters.outputOctets / 1200)), integer(type.acctOutputOctets, counters.outputOctets % 2 ** 32),
      integer(type.acctSessionTime, counters.sessionSeconds),
      integer(type.acctOutputGigawords, Math.floor(counters.outputOctets / 2 ** 32)), integer(type.acctInputGigawords, Math.floor(counters.inputOctets / 2 ** 32)),
    );
  }
  const unsigned = packet(accountingRequest, identifier, Buffer.alloc(16), attributes);
  // RFC 2866 3: the Request Authenticator is MD5 over the packet with 16 zero octets in its place, then the secret.
  md5(unsigned, nas.secret).copy(unsigned, 4);
  return unsigned;
}

/** Whether a reply's Response Authenticator is MD5(Code, ID, Length, the request's authenticator, attributes, secret). */
export function replyIsSigned(reply: Buffer, request: Buffer, secret: Buffer): boolean {
  if (reply.length < 20 || reply.readUInt16BE(2) > reply.length) return false;
  const length = reply.readUInt16BE(2);
  const expected = md5(reply.subarray(0, 4), request.subarray(4, 20), reply.subarray(20, length), secret);
  return expected.equals(reply.subarray(4, 20));
}
