import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stationMac } from '../../app/radius/access';
import { address, integer, integerAttribute, text, textAttribute } from '../../app/radius/attributes';
import {
  accountingRequestIsSigned, chapMatches, checkMessageAuthenticator, code, decodePacket, encodeReply, MalformedPacket, revealPassword,
} from '../../app/radius/packet';
import * as client from '../sim/radius-client';

/*
 * Fixed vectors. The RFC 2865 section 7.1 exchange (user "nemo", password "arctangent", secret "xyzzy5461")
 * as the RFC prints it; the others worked out from RFC 2865/2866/3579 by a separate script (Python's hashlib and hmac),
 * not by this codec nor by test/sim/radius-client.ts.
 */
const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const rfcSecret = Buffer.from('xyzzy5461');
const rfcAuthenticator = hex('0f403f9473978057bd83d5cb98f4227a');
const rfcRequest = hex(`01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb 98 f4 22 7a
  01 06 6e 65 6d 6f 02 12 0d be 70 8d 93 d4 13 ce 31 96 e4 3f 78 2a 0a ee 04 06 c0 a8 01 10 05 06 00 00 00 03`);
/** The RFC's Access-Accept (Service-Type Login, Login-Service Telnet, Login-IP-Host 192.168.1.3), with the Message-Authenticator Portico adds. */
const rfcAcceptSigned = hex('02000038f79c0e9ea1d0f6fad6ed99d3f8524f760606000000010f06000000000e06c0a80103501221498eb0fb73825e2183df0ef3878f91');
/** The RFC's request with a Message-Authenticator at the end. */
const rfcRequestSigned = hex('0100004a0f403f9473978057bd83d5cb98f4227a01066e656d6f02120dbe708d93d413ce3196e43f782a0aee0406c0a80110050600000003501263b78a6b9d2f149989fbf57ea21d194c');

const pfSecret = Buffer.from('cafe-radius-secret-0123456789');
/** pfSense's Accounting Start (reference 6.2, Service-Type twice), Identifier 0x2a. */
const pfStart = hex(`042a00ba418f4df46ebe493d331a1f74dd0e3ef306060000000101176730313233343536373839616263646566303132332806000000012d0600000001
  0606000000010406c0a80101201543617074697665506f7274616c2d67756573743d060000000f0506000007d02c12366630373162323539393837396564620806c0a8
  01391f1330323a31313a32323a33333a34343a35351e2530303a30383a61323a30633a31313a32323a706653656e73652e686f6d652e61727061`);
/** Its Accounting-Response: the Message-Authenticator over a zero authenticator field, as FreeRADIUS makes and checks it. */
const pfStartResponse = hex('052a00262d7d548bb4df7555b052ba4db34de57d50128eeaab0510e751b26e4a331d29eb6130');
/** The same Start (Identifier 0x2b) with a Message-Authenticator made over a zero Request Authenticator, then the Request Authenticator. */
const pfStartSigned = hex(`042b00cc9bb32e2d8bceb71351d609accc3c742a06060000000101176730313233343536373839616263646566303132332806000000012d0600000001
  0606000000010406c0a80101201543617074697665506f7274616c2d67756573743d060000000f0506000007d02c12366630373162323539393837396564620806c0a8
  01391f1330323a31313a32323a33333a34343a35351e2530303a30383a61323a30633a31313a32323a706653656e73652e686f6d652e6172706150122e5b525b4842e9c3
  1f203671ba7e0fde`);

describe('RADIUS packet codec, against fixed vectors', () => {
  it('decodes the RFC 2865 7.1 Access-Request and reveals its password', () => {
    const packet = decodePacket(rfcRequest);
    assert.deepEqual([packet.code, packet.identifier, packet.authenticator], [code.accessRequest, 0, rfcAuthenticator]);
    assert.deepEqual(packet.attributes.map((a) => a.type), [1, 2, 4, 5]);
    assert.equal(text(packet, 1), 'nemo');
    assert.equal(address(packet, 4), '192.168.1.16');
    assert.equal(integer(packet, 5), 3);
    assert.equal(revealPassword(packet.attributes[1].value, rfcSecret, packet.authenticator)?.toString(), 'arctangent');
    assert.equal(checkMessageAuthenticator(packet, rfcSecret), 'absent');
  });

  it('answers it with the RFC\'s Access-Accept, its Message-Authenticator and Response Authenticator', () => {
    const attributes = [integerAttribute(6, 1), integerAttribute(15, 0), { type: 14, value: hex('c0a80103') }];
    assert.deepEqual(encodeReply(decodePacket(rfcRequest), code.accessAccept, attributes, rfcSecret), rfcAcceptSigned);
  });

  it('encodes Reply-Message and vendor attributes (WISPr-Redirection-URL)', () => {
    const request = decodePacket(rfcRequest);
    assert.deepEqual(encodeReply(request, code.accessReject, [textAttribute(18, 'Nope')], rfcSecret),
      hex('0300002cb118deb2de17319a70a69505ad0aa1a812064e6f706550122fc5056f9547358338b6cc2b97947eaf'));
    assert.deepEqual(encodeReply(request, code.accessAccept, [integerAttribute(27, 3600), textAttribute(4, 'http://portal.test/online/1', 14122)], rfcSecret),
      hex('0200004fcfc7af44383dc13d76431a25ecc8e2191b0600000e101a230000372a041d687474703a2f2f706f7274616c2e746573742f6f6e6c696e652f3150122bde2a152b818d3874e1d724462dfde7'));
    const decoded = decodePacket(hex('0200004fcfc7af44383dc13d76431a25ecc8e2191b0600000e101a230000372a041d687474703a2f2f706f7274616c2e746573742f6f6e6c696e652f3150122bde2a152b818d3874e1d724462dfde7'));
    assert.deepEqual(decoded.attributes[1], { type: 4, vendor: 14122, value: Buffer.from('http://portal.test/online/1') });
  });

  it('checks a Message-Authenticator in an Access-Request', () => {
    assert.equal(checkMessageAuthenticator(decodePacket(rfcRequestSigned), rfcSecret), 'valid');
    assert.equal(checkMessageAuthenticator(decodePacket(rfcRequestSigned), Buffer.from('xyzzy5462')), 'invalid');
    const forged = Buffer.from(rfcRequestSigned);
    forged[forged.length - 1] ^= 1;
    assert.equal(checkMessageAuthenticator(decodePacket(forged), rfcSecret), 'invalid');
    const changed = Buffer.from(rfcRequestSigned);
    changed[53] ^= 1; // NAS-Port
    assert.equal(checkMessageAuthenticator(decodePacket(changed), rfcSecret), 'invalid');
  });

  it('checks an Accounting-Request\'s authenticator (RFC 2866 3) and answers with its Accounting-Response', () => {
    const start = decodePacket(pfStart);
    assert.equal(accountingRequestIsSigned(start, pfSecret), true);
    assert.equal(accountingRequestIsSigned(start, rfcSecret), false);
    const changed = Buffer.from(pfStart);
    changed[changed.length - 1] ^= 1;
    assert.equal(accountingRequestIsSigned(decodePacket(changed), pfSecret), false);
    assert.deepEqual(start.attributes.filter((a) => a.type === 6).length, 2, 'Service-Type twice, both kept');
    assert.deepEqual(encodeReply(start, code.accountingResponse, [], pfSecret), pfStartResponse);
  });

  it('checks a Message-Authenticator in an Accounting-Request, made over a zero Request Authenticator', () => {
    const signed = decodePacket(pfStartSigned);
    assert.equal(accountingRequestIsSigned(signed, pfSecret), true);
    assert.equal(checkMessageAuthenticator(signed, pfSecret), 'valid');
    assert.equal(checkMessageAuthenticator(signed, rfcSecret), 'invalid');
  });

  it('reveals passwords of several blocks, and refuses hidden values of a wrong size', () => {
    const hidden = hex('0fa3618b97d9008b378d964c1d0a688ff81cf1b33b8febbd4ef4b93620a86e24');
    assert.equal(revealPassword(hidden, rfcSecret, rfcAuthenticator)?.toString(), 'correct horse battery staple');
    assert.notEqual(revealPassword(hidden, pfSecret, rfcAuthenticator)?.toString(), 'correct horse battery staple');
    for (const length of [0, 15, 17, 144]) assert.equal(revealPassword(Buffer.alloc(length), rfcSecret, rfcAuthenticator), null, `${length} octets`);
    assert.equal(revealPassword(Buffer.alloc(128), rfcSecret, rfcAuthenticator)?.length, 128, 'the longest');
  });

  it('checks a CHAP-Password against its challenge (RFC 2865 5.3)', () => {
    const chap = hex('0188850401be62f9fdd49346270783ad4a');
    const challenge = hex('0102030405060708');
    assert.equal(chapMatches(chap, challenge, Buffer.from('arctangent')), true);
    assert.equal(chapMatches(chap, challenge, Buffer.from('arctangenT')), false);
    assert.equal(chapMatches(chap, hex('0102030405060709'), Buffer.from('arctangent')), false);
    assert.equal(chapMatches(chap.subarray(0, 16), challenge, Buffer.from('arctangent')), false);
    assert.equal(chapMatches(chap, Buffer.alloc(0), Buffer.from('arctangent')), false);
  });

  it('ignores octets beyond Length, and refuses what is not a packet', () => {
    assert.deepEqual(decodePacket(Buffer.concat([rfcRequest, Buffer.alloc(9)])).raw, rfcRequest);
    const broken = (edit: (packet: Buffer) => void) => {
      const copy = Buffer.from(rfcRequest);
      edit(copy);
      return copy;
    };
    for (const [what, datagram] of [
      ['short', rfcRequest.subarray(0, 19)],
      ['Length beyond the datagram', broken((p) => p.writeUInt16BE(57, 2))],
      ['Length below 20', broken((p) => p.writeUInt16BE(19, 2))],
      ['attribute length 0', broken((p) => { p[21] = 0; })],
      ['attribute length 1', broken((p) => { p[21] = 1; })],
      ['attribute past Length', broken((p) => p.writeUInt16BE(55, 2))],
      ['over 4096 octets', Buffer.alloc(4097, 1)],
      ['Vendor-Specific without a vendor', hex('0100001a0000000000000000000000000000000000001a0600000000')],
      ['vendor sub-attribute overrun', hex('0100001b0000000000000000000000000000000000001a070000372a0409')],
    ] as [string, Buffer][]) {
      assert.throws(() => decodePacket(datagram), MalformedPacket, what);
    }
  });

  it('reads MACs in each of pfSense\'s formats and CoovaChilli\'s', () => {
    for (const written of ['00:11:22:aa:bb:cc', '001122-AABBCC', '00-11-22-AA-BB-CC', '0011.22aa.bbcc', '001122aabbcc']) {
      assert.equal(stationMac(written), '00:11:22:aa:bb:cc', written);
    }
    for (const refused of [undefined, '', '00:11:22:aa:bb', '00:11:22:aa:bb:cc:dd', 'zz:11:22:aa:bb:cc']) assert.equal(stationMac(refused), null, refused);
  });

  it('keeps values within what an attribute holds', () => {
    assert.equal(integerAttribute(27, -5).value.readUInt32BE(0), 0);
    assert.equal(integerAttribute(27, 2 ** 40).value.readUInt32BE(0), 0xffffffff);
    assert.equal(textAttribute(18, 'x'.repeat(300)).value.length, 253);
    assert.equal(textAttribute(4, 'x'.repeat(300), 14122).value.length, 247);
  });

  it('are what the tests\' own RADIUS client makes and checks', () => {
    const nemo = [client.text(1, 'nemo'), client.userPassword('arctangent'), client.ipv4(4, '192.168.1.16'), client.integer(5, 3)];
    assert.deepEqual(client.accessRequest({ secret: 'xyzzy5461', identifier: 0, authenticator: rfcAuthenticator, attributes: nemo }), rfcRequest);
    assert.deepEqual(client.accessRequest({ secret: 'xyzzy5461', identifier: 0, authenticator: rfcAuthenticator, attributes: nemo, sign: true }), rfcRequestSigned);
    const accepted = client.decodeReply(rfcAcceptSigned, rfcRequest, 'xyzzy5461');
    assert.deepEqual([accepted.code, accepted.authentic, accepted.messageAuthenticator], [code.accessAccept, true, 'valid']);
    const start = decodePacket(pfStart).attributes.map((a) => ({ type: a.type, value: a.value }));
    assert.deepEqual(client.accountingRequest({ secret: pfSecret.toString(), identifier: 0x2a, attributes: start }), pfStart);
    assert.deepEqual(client.accountingRequest({ secret: pfSecret.toString(), identifier: 0x2b, attributes: start, sign: true }), pfStartSigned);
    assert.deepEqual(client.chapPassword(1, 'arctangent', hex('0102030405060708')), hex('0188850401be62f9fdd49346270783ad4a'));
    const response = client.decodeReply(pfStartResponse, pfStart, pfSecret.toString());
    assert.deepEqual([response.authentic, response.messageAuthenticator], [true, 'valid']);
    assert.equal(client.decodeReply(pfStartResponse, pfStart, 'another-secret').authentic, false);
  });
});
