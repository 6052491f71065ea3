import { createHash, createHmac, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';

/*
 * A RADIUS client written from RFC 2865 (Access-Request, User-Password hiding 5.2, CHAP 5.3), RFC 2866
 * (Accounting-Request authenticator) and RFC 3579 3.2 (Message-Authenticator), on its own: it shares no
 * code with app/radius, so the tests check Portico's codec instead of mirroring it.
 */

export const code = { accessRequest: 1, accessAccept: 2, accessReject: 3, accountingRequest: 4, accountingResponse: 5 } as const;

/** One attribute; `vendor` makes it a sub-attribute of a Vendor-Specific (26) one. `hide` is a User-Password in clear, hidden when the packet is made. */
export interface Attr {
  type: number;
  value: Buffer;
  vendor?: number;
  hide?: string;
}

export const text = (type: number, value: string, vendor?: number): Attr => ({ type, value: Buffer.from(value, 'utf8'), vendor });
export function integer(type: number, value: number, vendor?: number): Attr {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return { type, value: buffer, vendor };
}
export const ipv4 = (type: number, address: string): Attr => ({ type, value: Buffer.from(address.split('.').map(Number)) });
export const userPassword = (password: string): Attr => ({ type: 2, value: Buffer.alloc(0), hide: password });
/** A Message-Authenticator (80) to fill in, where it stands in the list. */
export const messageAuthenticator = (): Attr => ({ type: 80, value: Buffer.alloc(16) });

const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();

/** RFC 2865 5.2: NUL-padded to 16-octet blocks, c1 = p1 xor MD5(S + RA), ci = pi xor MD5(S + c(i-1)). */
export function hidePassword(password: string, secret: string, authenticator: Buffer): Buffer {
  const plain = Buffer.alloc(Math.max(16, Math.ceil(Buffer.byteLength(password) / 16) * 16));
  plain.write(password, 'utf8');
  const hidden = Buffer.alloc(plain.length);
  let previous = authenticator;
  for (let at = 0; at < plain.length; at += 16) {
    const mask = md5(Buffer.from(secret), previous);
    for (let i = 0; i < 16; i++) hidden[at + i] = plain[at + i] ^ mask[i];
    previous = hidden.subarray(at, at + 16);
  }
  return hidden;
}

/** RFC 2865 5.3's CHAP-Password value: ident, then MD5(ident + password + challenge). */
export const chapPassword = (ident: number, password: string, challenge: Buffer) =>
  Buffer.concat([Buffer.from([ident]), md5(Buffer.from([ident]), Buffer.from(password), challenge)]);

function encodeAttr(attr: Attr): Buffer {
  const own = Buffer.concat([Buffer.from([attr.type, attr.value.length + 2]), attr.value]);
  if (attr.vendor === undefined) return own;
  const header = Buffer.from([26, own.length + 6, 0, 0, 0, 0]);
  header.writeUInt32BE(attr.vendor, 2);
  return Buffer.concat([header, own]);
}

/** Header and attributes as they stand, nothing computed: for hand-made and malformed packets. */
export function rawPacket(packetCode: number, identifier: number, authenticator: Buffer, attributes: Attr[]): Buffer {
  const body = Buffer.concat(attributes.map(encodeAttr));
  const header = Buffer.from([packetCode, identifier, 0, 0]);
  header.writeUInt16BE(20 + body.length, 2);
  return Buffer.concat([header, authenticator, body]);
}

/** Where the Message-Authenticator's value starts, or -1. */
function messageAuthenticatorAt(packet: Buffer): number {
  for (let at = 20; at + 1 < packet.length && packet[at + 1] >= 2; at += packet[at + 1]) if (packet[at] === 80) return at + 2;
  return -1;
}

export interface RequestOptions {
  secret: string;
  attributes: Attr[];
  identifier?: number;
  authenticator?: Buffer;
  /** Append a Message-Authenticator when the list has none. */
  sign?: boolean;
}

/** An Access-Request: random (or given) Request Authenticator, passwords hidden, Message-Authenticator filled in. */
export function accessRequest({ secret, attributes, identifier = randomBytes(1)[0], authenticator = randomBytes(16), sign }: RequestOptions): Buffer {
  const list = attributes.map((attr) => (attr.hide === undefined ? attr : { ...attr, value: hidePassword(attr.hide, secret, authenticator) }));
  if (sign && !list.some((attr) => attr.type === 80)) list.push(messageAuthenticator());
  const packet = rawPacket(code.accessRequest, identifier, authenticator, list);
  const at = messageAuthenticatorAt(packet);
  if (at >= 0) createHmac('md5', secret).update(packet).digest().copy(packet, at);
  return packet;
}

/** An Accounting-Request: Message-Authenticator over the packet with a zero authenticator, then RFC 2866's MD5 over it all. */
export function accountingRequest({ secret, attributes, identifier = randomBytes(1)[0], sign }: RequestOptions): Buffer {
  const list = [...attributes];
  if (sign && !list.some((attr) => attr.type === 80)) list.push(messageAuthenticator());
  const packet = rawPacket(code.accountingRequest, identifier, Buffer.alloc(16), list);
  const at = messageAuthenticatorAt(packet);
  if (at >= 0) createHmac('md5', secret).update(packet).digest().copy(packet, at);
  md5(packet, Buffer.from(secret)).copy(packet, 4);
  return packet;
}

export interface Reply {
  code: number;
  identifier: number;
  attributes: Attr[];
  /** RFC 2865 3: MD5(Code, ID, Length, Request Authenticator, Attributes, Secret) is right. */
  authentic: boolean;
  messageAuthenticator: 'absent' | 'valid' | 'invalid';
  raw: Buffer;
}

/** A reply decoded (vendor sub-attributes split out) and checked against the request it answers. */
export function decodeReply(raw: Buffer, request: Buffer, secret: string): Reply {
  const length = raw.readUInt16BE(2);
  if (raw.length < 20 || length !== raw.length) throw new Error(`reply of ${raw.length} octets says ${length}`);
  const attributes: Attr[] = [];
  for (let at = 20; at < length; at += raw[at + 1]) {
    const value = raw.subarray(at + 2, at + raw[at + 1]);
    if (raw[at + 1] < 2 || at + raw[at + 1] > length) throw new Error('reply attribute overruns');
    if (raw[at] !== 26) attributes.push({ type: raw[at], value });
    else {
      for (let sub = 4; sub < value.length; sub += value[sub + 1]) {
        if (value[sub + 1] < 2) throw new Error('reply vendor attribute overruns');
        attributes.push({ type: value[sub], vendor: value.readUInt32BE(0), value: value.subarray(sub + 2, sub + value[sub + 1]) });
      }
    }
  }
  const withRequestAuthenticator = Buffer.from(raw);
  request.copy(withRequestAuthenticator, 4, 4, 20);
  const authentic = md5(withRequestAuthenticator, Buffer.from(secret)).equals(raw.subarray(4, 20));
  const at = messageAuthenticatorAt(raw);
  let messageAuthenticatorCheck: Reply['messageAuthenticator'] = 'absent';
  if (at >= 0) {
    // Over the Request Authenticator for Access replies (RFC 3579 3.2); over zeros for an Accounting-Response,
    // as FreeRADIUS makes and checks it (src/lib/radius.c).
    const signed = Buffer.from(withRequestAuthenticator).fill(0, at, at + 16);
    if (raw[0] === code.accountingResponse) signed.fill(0, 4, 20);
    messageAuthenticatorCheck = createHmac('md5', secret).update(signed).digest().equals(raw.subarray(at, at + 16)) ? 'valid' : 'invalid';
  }
  return { code: raw[0], identifier: raw[1], attributes, authentic, messageAuthenticator: messageAuthenticatorCheck, raw };
}

/** The first attribute of a type in a reply, as text, integer or octets. */
export const find = (reply: Reply, type: number, vendor?: number) => reply.attributes.find((attr) => attr.type === type && attr.vendor === vendor)?.value;
export const findText = (reply: Reply, type: number, vendor?: number) => find(reply, type, vendor)?.toString('utf8');
export const findInteger = (reply: Reply, type: number) => find(reply, type)?.readUInt32BE(0);

/** A client socket on loopback, one ephemeral port, as radlib opens one per request. */
export class RadiusSocket {
  private readonly socket = dgram.createSocket('udp4');
  private readonly waiting: ((raw: Buffer) => void)[] = [];
  private readonly queued: Buffer[] = [];
  private bound: Promise<void>;
  /** Datagrams sent, retransmissions included. */
  sent = 0;

  constructor(private readonly serverPort: number) {
    // Only the server's address and port count as a reply (radlib checks both).
    this.socket.on('message', (raw, from) => {
      if (from.address !== '127.0.0.1' || from.port !== serverPort) return;
      const waiter = this.waiting.shift();
      if (waiter) waiter(raw);
      else this.queued.push(raw);
    });
    this.bound = new Promise((resolve) => this.socket.bind(0, '127.0.0.1', () => resolve()));
  }

  get port(): number {
    return this.socket.address().port;
  }

  async send(datagram: Buffer): Promise<void> {
    await this.bound;
    this.sent++;
    await new Promise<void>((resolve, reject) => this.socket.send(datagram, this.serverPort, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
  }

  /** The next reply, or null when none comes within timeoutMs. */
  nextReply(timeoutMs: number): Promise<Buffer | null> {
    const early = this.queued.shift();
    if (early) return Promise.resolve(early);
    return new Promise((resolve) => {
      const waiter = (raw: Buffer | null) => {
        clearTimeout(timer);
        resolve(raw);
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        resolve(null);
      }, timeoutMs);
      this.waiting.push(waiter);
    });
  }

  /** Sends the datagram and waits; with no reply, the identical datagram again, `tries` sends in all. */
  async ask(datagram: Buffer, { timeoutMs = 500, tries = 3 } = {}): Promise<Buffer | null> {
    for (let attempt = 0; attempt < tries; attempt++) {
      await this.send(datagram);
      const reply = await this.nextReply(timeoutMs);
      if (reply) return reply;
    }
    return null;
  }

  async close(): Promise<void> {
    await this.bound;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

/** One request on a fresh socket, decoded and checked; null when no reply came to any of the tries. */
export async function ask(port: number, datagram: Buffer, secret: string, options: { timeoutMs?: number; tries?: number } = {}): Promise<Reply | null> {
  const socket = new RadiusSocket(port);
  try {
    const raw = await socket.ask(datagram, options);
    return raw && decodeReply(raw, datagram, secret);
  } finally {
    await socket.close();
  }
}
