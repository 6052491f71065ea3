import { randomBytes } from 'node:crypto';
import { accessRequest, accountingRequest, decodeReply, findInteger, findText, integer, ipv4, RadiusSocket, text, type Attr, type Reply } from './radius-client';
import { chilliChapChallenge, chilliRedirect, type ChilliGuest, type ChilliRouter } from './coovachilli-urls';

/*
 * A CoovaChilli router (1.8 or 1.9) as ../shared/reference/radius.md part B observed it on the wire: the
 * captured browser's redirect to the UAM server, the browser's /logon turned into the Access-Request
 * chilli sends (its attributes in its order, Message-Authenticator always), the redirect back
 * (success; failed on 1.8, nothing at all on 1.9), and its accounting (On, Start at the Accept,
 * Interim-Update, Stop with a cause, Off), from its coaport. Timing is the test's.
 */

const attr = {
  userName: 1, chapPassword: 3, nasIpAddress: 4, nasPort: 5, serviceType: 6, framedIpAddress: 8, replyMessage: 18, sessionTimeout: 27,
  calledStationId: 30, callingStationId: 31, nasIdentifier: 32, acctStatusType: 40, acctInputOctets: 42, acctOutputOctets: 43,
  acctSessionId: 44, acctSessionTime: 46, acctInputPackets: 47, acctOutputPackets: 48, acctTerminateCause: 49, acctInputGigawords: 52,
  acctOutputGigawords: 53, eventTimestamp: 55, chapChallenge: 60, nasPortType: 61, nasPortId: 87,
} as const;
const chillispot = 14559;
const wisprVendor = 14122;
/** Accounting-On and -Off name no guest. */
const noStation = '00-00-00-00-00-00';
export const chilliTerminateCause = { userRequest: 1, sessionTimeout: 5, adminReset: 6, nasReboot: 11 } as const;

export interface ChilliSimOptions {
  router: ChilliRouter;
  guest: ChilliGuest;
  radiusSecret: string;
  authPort: number;
  acctPort: number;
  version: '1.8' | '1.9';
  /** The router's WAN address, its NAS-IP-Address. */
  nasIp?: string;
  now: () => number;
}

export interface ChilliLogon {
  /** Where chilli sends the browser: res=success (or failed on 1.8); null when 1.9 closes the connection. */
  redirect: string | null;
  reply: Reply | null;
}

export function coovaChilli(options: ChilliSimOptions) {
  const { router, guest, radiusSecret: secret, version } = options;
  const nasIp = options.nasIp ?? '127.0.0.1';
  let challenge = randomBytes(16).toString('hex');
  let sessionId = `${Math.floor(options.now() / 1000)}00000001`;
  let session: { id: string; username: string; startedAt: number } | null = null;
  // Accounting goes out from the coaport, one socket for the router's life.
  const acctSocket = new RadiusSocket(options.acctPort);
  const common = (station = chilliMac(guest.mac)): Attr[] => [integer(attr.nasPortType, 19), text(attr.callingStationId, station),
    text(attr.calledStationId, guest.called), ipv4(attr.nasIpAddress, nasIp), text(attr.nasIdentifier, router.nasid)];
  const header = (): Attr[] => [text(8, version, chillispot), integer(10, 2, chillispot), integer(attr.eventTimestamp, Math.floor(options.now() / 1000))];

  async function account(attributes: Attr[]): Promise<Reply | null> {
    const datagram = accountingRequest({ secret, attributes });
    const raw = await acctSocket.ask(datagram, { timeoutMs: 500, tries: 3 });
    return raw && decodeReply(raw, datagram, secret);
  }

  function sessionAttributes(): Attr[] {
    return [text(attr.userName, session!.username), text(attr.acctSessionId, session!.id), ipv4(attr.framedIpAddress, guest.ip), integer(attr.nasPort, 1), text(attr.nasPortId, '00000001')];
  }

  function counters(bytes: { fromGuest: number; toGuest: number }): Attr[] {
    return [
      integer(attr.acctInputOctets, bytes.fromGuest % 2 ** 32), integer(attr.acctOutputOctets, bytes.toGuest % 2 ** 32),
      integer(attr.acctInputGigawords, Math.floor(bytes.fromGuest / 2 ** 32)), integer(attr.acctOutputGigawords, Math.floor(bytes.toGuest / 2 ** 32)),
      integer(attr.acctInputPackets, 27), integer(attr.acctOutputPackets, 31),
      integer(attr.acctSessionTime, Math.floor((options.now() - session!.startedAt) / 1000)),
    ];
  }

  return {
    /** The redirect a captured browser gets (1.9's first capture of a client carries an empty userurl). */
    capture(userurl = version === '1.9' ? '' : 'http://example.com/'): string {
      return chilliRedirect(router, guest, 'notyet', { challenge, sessionid: sessionId, userurl });
    },

    /** The browser's GET /logon?username=&response=&userurl=, as chilli answers it. */
    async logon(logonUrl: string): Promise<ChilliLogon> {
      const url = new URL(logonUrl);
      const username = url.searchParams.get('username') ?? '';
      const response = Buffer.from(url.searchParams.get('response') ?? '', 'hex');
      const userurl = url.searchParams.get('userurl') ?? '';
      // The Access-Request of a CHAP logon, attribute for attribute.
      const datagram = accessRequest({
        secret, sign: true,
        attributes: [
          text(8, version, chillispot), text(attr.userName, username), { type: attr.chapChallenge, value: chilliChapChallenge(challenge, router.uamSecret) },
          { type: attr.chapPassword, value: Buffer.concat([Buffer.from([0]), response]) }, integer(attr.serviceType, 1), text(attr.acctSessionId, sessionId),
          ipv4(attr.framedIpAddress, guest.ip), integer(attr.nasPortType, 19), integer(attr.nasPort, 1), text(attr.nasPortId, '00000001'),
          text(attr.callingStationId, chilliMac(guest.mac)), text(attr.calledStationId, guest.called), ipv4(attr.nasIpAddress, nasIp),
          text(attr.nasIdentifier, router.nasid), text(3, `http://${router.uamip}:${router.uamport}/logoff`, wisprVendor),
        ],
      });
      const socket = new RadiusSocket(options.authPort);
      let reply: Reply | null;
      try {
        const raw = await socket.ask(datagram, { timeoutMs: 500, tries: 3 });
        reply = raw && decodeReply(raw, datagram, secret);
      } finally {
        await socket.close();
      }
      if (reply?.code === 2 && reply.authentic) {
        session = { id: sessionId, username, startedAt: options.now() };
        await account([...header(), text(attr.userName, username), integer(attr.acctStatusType, 1), text(attr.acctSessionId, sessionId),
          ipv4(attr.framedIpAddress, guest.ip), integer(attr.nasPort, 1), text(attr.nasPortId, '00000001'), ...common()]);
        return {
          reply,
          redirect: chilliRedirect(router, guest, 'success', {
            uid: username, timeleft: findInteger(reply, attr.sessionTimeout), reply: findText(reply, attr.replyMessage), sessionid: sessionId, userurl,
          }),
        };
      }
      // A new challenge after a Reject; 1.9 answers the browser nothing at all.
      challenge = randomBytes(16).toString('hex');
      if (version === '1.9') return { reply, redirect: null };
      return { reply, redirect: chilliRedirect(router, guest, 'failed', { reason: reply ? 'reject' : 'timeout', challenge, reply: reply ? findText(reply, attr.replyMessage) : undefined, userurl }) };
    },

    accountingOn: () => account([...header(), integer(attr.acctStatusType, 7), ...common(noStation)]),

    interim: (bytes: { fromGuest: number; toGuest: number }) =>
      account([...header(), ...sessionAttributes(), ...counters(bytes), integer(attr.acctStatusType, 3), ...common()]),

    async stop(cause: number, bytes: { fromGuest: number; toGuest: number }) {
      const answer = await account([...header(), ...sessionAttributes(), ...counters(bytes), integer(attr.acctStatusType, 2), integer(attr.acctTerminateCause, cause), ...common()]);
      session = null;
      sessionId = `${Math.floor(options.now() / 1000)}00000002`;
      return answer;
    },

    accountingOff: () => account([...header(), integer(attr.acctTerminateCause, 0), integer(attr.acctStatusType, 8), ...common(noStation)]),

    close: () => acctSocket.close(),
  };
}

/** Calling-Station-Id as chilli writes it: XX-XX-XX-XX-XX-XX, upper case. */
function chilliMac(mac: string): string {
  return mac.toUpperCase().replace(/:/g, '-');
}
