import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NewRadiusCredential, Site, Store } from '../../../app/store/types';
import { accept, t0, venue, withStore, type OpenStore } from './fixture';

const mac = '02:00:00:00:00:0a';

async function issued(store: Store, site: Site, termsVersionId: number, gatewayId: string, username = 'g0123456789abcdef0123'): Promise<NewRadiusCredential> {
  const acceptance = await accept(store, site, { termsVersionId, clientMac: mac, clientIp: '10.0.0.10' });
  const credential = {
    username, gatewayId, acceptanceId: acceptance.id, siteId: site.id, clientMac: mac, clientIp: '10.0.0.10', language: 'de',
    issuedAt: t0, useBy: t0 + 300_000,
  };
  await store.issueRadiusCredential(credential);
  return credential;
}

export function radiusContract(open: OpenStore): void {
  describe('one-time RADIUS logins', () => {
    it('keeps the first issue of a user name, accepts it once while usable, and links one session to it', withStore(open, async (store) => {
      const { site, terms, gateway } = await venue(store);
      const credential = await issued(store, site, terms.id, gateway.id);
      await store.issueRadiusCredential({ ...credential, clientIp: '10.0.0.99' });
      assert.deepEqual(await store.findRadiusCredential(credential.username), { ...credential, acceptedAt: null, sessionKey: null });
      assert.equal(await store.linkRadiusSession(credential.username, 'early'), false, 'no session before its Accept');
      assert.equal(await store.acceptRadiusCredential(credential.username, t0 + 300_001), false, 'too late');
      assert.equal(await store.acceptRadiusCredential(credential.username, t0 + 1000), true);
      assert.equal(await store.acceptRadiusCredential(credential.username, t0 + 2000), false, 'only once');
      assert.equal(await store.linkRadiusSession(credential.username, 'acct-1'), true);
      assert.equal(await store.linkRadiusSession(credential.username, 'acct-2'), false, 'only the first session');
      assert.deepEqual(await store.findRadiusCredential(credential.username), { ...credential, acceptedAt: t0 + 1000, sessionKey: 'acct-1' });
      assert.equal(await store.findRadiusCredential('g-nobody'), undefined);
    }));

    it('goes with a forget of its device, and with the purge two days past retention', withStore(open, async (store) => {
      const { site, terms, gateway } = await venue(store);
      const forgotten = await issued(store, site, terms.id, gateway.id, 'g00000000000000000001');
      await store.forgetGuest(mac, 'no-device');
      assert.equal(await store.findRadiusCredential(forgotten.username), undefined);
      const kept = await issued(store, site, terms.id, gateway.id, 'g00000000000000000002');
      await store.purgePersonalData(t0 + 2 * 86_400_000);
      assert.ok(await store.findRadiusCredential(kept.username), 'within two days past the purge line');
      await store.purgePersonalData(t0 + 2 * 86_400_000 + 1);
      assert.equal(await store.findRadiusCredential(kept.username), undefined);
    }));
  });
}
