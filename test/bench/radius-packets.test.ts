import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attribute, integer, text } from '../../app/radius/attributes';
import { accountingRequestIsSigned, checkMessageAuthenticator, code, decodePacket, encodeReply, revealPassword } from '../../app/radius/packet';
import { pfsenseAccessRequest, pfsenseAccountingRequest, replyIsSigned, type BenchGuest } from '../../bench/radius-packets';

// The RADIUS benchmark sends its own encoding of pfSense's requests: this keeps it in step with the
// app's decoder, so that what the bench measures is Portico answering, never Portico dropping.
const nas = { nasId: 'bench', secret: Buffer.from('bench-secret-0123456789') };
const guest: BenchGuest = {
  username: 'g0123456789abcdef0123', password: 'a-22-character-passwd_', mac: '02:15:00:00:00:01', ip: '10.0.0.1', pipe: 2002, sessionId: '6f071b2599879edb',
};

describe('bench: pfSense RADIUS requests as the bench encodes them', () => {
  it('an Access-Request carries the login, the hidden password and the guest\'s addresses, without a Message-Authenticator', () => {
    const request = decodePacket(pfsenseAccessRequest(nas, guest, 7));
    assert.equal(request.code, code.accessRequest);
    assert.equal(request.identifier, 7);
    assert.equal(text(request, attribute.userName), guest.username);
    assert.equal(revealPassword(request.attributes.find((a) => a.type === attribute.userPassword)!.value, nas.secret, request.authenticator)?.toString(), guest.password);
    assert.equal(text(request, attribute.nasIdentifier), 'bench');
    assert.equal(text(request, attribute.callingStationId), guest.mac);
    assert.equal(integer(request, attribute.nasPort), 2002);
    assert.equal(checkMessageAuthenticator(request, nas.secret), 'absent');
  });

  it('accounting requests are signed with the secret, Service-Type twice, counters in the Interim-Update', () => {
    const start = decodePacket(pfsenseAccountingRequest(nas, guest, 9, 1));
    assert.ok(accountingRequestIsSigned(start, nas.secret));
    assert.ok(!accountingRequestIsSigned(start, Buffer.from('another-secret-0123456')));
    assert.equal(start.attributes.filter((a) => a.type === attribute.serviceType).length, 2);
    assert.equal(integer(start, attribute.acctStatusType), 1);
    assert.equal(text(start, attribute.acctSessionId), guest.sessionId);
    const interim = decodePacket(pfsenseAccountingRequest(nas, guest, 9, 3, { sessionSeconds: 60, inputOctets: 2 ** 32 + 5, outputOctets: 9 }));
    assert.ok(accountingRequestIsSigned(interim, nas.secret));
    assert.equal(integer(interim, attribute.acctInputOctets), 5);
    assert.equal(integer(interim, attribute.acctInputGigawords), 1);
    assert.equal(integer(interim, attribute.acctOutputOctets), 9);
  });

  it('checks a reply\'s Response Authenticator as pfSense does', () => {
    const raw = pfsenseAccessRequest(nas, guest, 3);
    const reply = encodeReply(decodePacket(raw), code.accessAccept, [], nas.secret);
    assert.ok(replyIsSigned(reply, raw, nas.secret));
    assert.ok(!replyIsSigned(reply, pfsenseAccessRequest(nas, guest, 3), nas.secret));
    assert.ok(!replyIsSigned(reply, raw, Buffer.from('another-secret-0123456')));
  });
});
