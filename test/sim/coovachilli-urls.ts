import { createHash } from 'node:crypto';

/*
 * The URLs a CoovaChilli router sends captured browsers to, as 1.8 and 1.9 write them
 * (../shared/reference/radius.md, part B): parameters in a fixed order, chilli's own percent-encoding
 * (lower-case hex, space as %20), and md = MD5(the URL up to "&md=" + UAM secret) in upper-case hex.
 */

/** chilli's redir_urlencode: letters, digits and - _ . ~ as they are; every other octet %xx in lower case. */
export function chilliEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((octet) => {
    const char = String.fromCharCode(octet);
    return /[A-Za-z0-9._~-]/.test(char) ? char : `%${octet.toString(16).padStart(2, '0')}`;
  }).join('');
}

export interface ChilliGuest {
  /** The router's dhcpif MAC, XX-XX-… upper case (chilli's `called`). */
  called: string;
  mac: string;
  ip: string;
}

export interface ChilliRouter {
  uamServer: string;
  uamSecret: string;
  uamip: string;
  uamport: number;
  nasid: string;
}

/** A redirect to the UAM server with `res` and chilli's parameters in its order, signed. */
export function chilliRedirect(router: ChilliRouter, guest: ChilliGuest, res: string, fields: {
  challenge?: string; sessionid?: string; userurl?: string; uid?: string; timeleft?: number; reply?: string; reason?: string;
} = {}): string {
  const pairs: [string, string | undefined][] = [
    ['res', res], ['reason', fields.reason], ['uamip', router.uamip], ['uamport', String(router.uamport)], ['challenge', fields.challenge],
    ['called', guest.called], ['uid', fields.uid], ['timeleft', fields.timeleft === undefined ? undefined : String(fields.timeleft)],
    ['mac', guest.mac.toUpperCase().replace(/:/g, '-')], ['ip', guest.ip], ['reply', fields.reply], ['nasid', router.nasid],
    ['sessionid', fields.sessionid ?? '179617292900000001'], ['userurl', fields.userurl ?? ''],
  ];
  const url = `${router.uamServer}?${pairs.filter(([, value]) => value !== undefined).map(([name, value]) => `${name}=${chilliEncode(value!)}`).join('&')}`;
  const md = createHash('md5').update(url).update(router.uamSecret).digest('hex').toUpperCase();
  return `${url}&md=${md}`;
}

/** The CHAP-Challenge chilli puts in its Access-Request: MD5(challenge octets + UAM secret). */
export function chilliChapChallenge(challengeHex: string, uamSecret: string): Buffer {
  return createHash('md5').update(Buffer.from(challengeHex, 'hex')).update(uamSecret).digest();
}
