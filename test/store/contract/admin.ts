import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreConflictError } from '../../../app/errors';
import { t0, venue, withStore, type OpenStore } from './fixture';

const limits = { perAccountAndAddress: 2, perAddress: 3, windowMs: 1000 };

export function adminContract(open: OpenStore): void {
  describe('admin accounts, sign-in and sessions', () => {
    it('keeps accounts by name (a taken name, in any case, is a conflict) and never removes the last', withStore(open, async (store) => {
      const alice = await store.addAdminUser('alice', 'h1', t0);
      assert.deepEqual(alice, { id: alice.id, username: 'alice', role: 'operator', venueIds: [], passwordHash: 'h1', passwordChangedAt: t0, createdAt: t0, lastSignInAt: null });
      await assert.rejects(store.addAdminUser('Alice', 'h2', t0), StoreConflictError);
      const bob = await store.addAdminUser('bob', 'h3', t0);
      assert.deepEqual((await store.listAdminUsers()).map((u) => u.username), ['alice', 'bob']);
      assert.equal((await store.findAdminUser('bob'))!.id, bob.id);
      await store.setAdminPassword(bob.id, 'h4', t0 + 1);
      assert.deepEqual([(await store.getAdminUser(bob.id))!.passwordHash, (await store.getAdminUser(bob.id))!.passwordChangedAt], ['h4', t0 + 1]);
      await store.saveAdminSession('s-bob', JSON.stringify({ adminUserId: bob.id }), t0 + 1000);
      await store.removeAdminUser(bob.id);
      assert.equal(await store.getAdminSession('s-bob', t0), undefined);
      await assert.rejects(store.removeAdminUser(alice.id), StoreConflictError);
      assert.equal(await store.countAdminUsers(), 1);
    }));

    it('keeps managers with the venues granted to them, and always one operator', withStore(open, async (store) => {
      const { site } = await venue(store);
      const bar = await store.createSite({ ...site, slug: 'bar', name: 'Bar' }, t0);
      const olga = await store.addAdminUser('olga', 'h', t0, { role: 'operator' });
      const max = await store.addAdminUser('max', 'h', t0, { role: 'manager', venueIds: [bar.id] });
      assert.deepEqual([max.role, max.venueIds], ['manager', [bar.id]]);
      assert.equal(await store.grantVenue(max.id, site.id), true);
      assert.equal(await store.grantVenue(max.id, site.id), false, 'granted already');
      assert.equal(await store.grantVenue(max.id, 999), false, 'no such venue');
      assert.deepEqual((await store.findAdminUser('max'))!.venueIds, [site.id, bar.id].sort((a, b) => a - b));
      assert.equal(await store.revokeVenue(max.id, bar.id), true);
      assert.equal(await store.revokeVenue(max.id, bar.id), false);
      assert.deepEqual((await store.listAdminUsers()).map((u) => [u.username, u.role, u.venueIds]), [['max', 'manager', [site.id]], ['olga', 'operator', []]]);
      await assert.rejects(store.setAdminRole(olga.id, 'manager'), StoreConflictError);
      await assert.rejects(store.removeAdminUser(olga.id), StoreConflictError);
      await store.removeAdminUser(max.id);
      const first = await store.addAdminUser('first', 'h', t0, { role: 'manager' });
      await store.setAdminRole(first.id, 'operator');
      await store.setAdminRole(olga.id, 'manager');
      assert.equal((await store.getAdminUser(olga.id))!.role, 'manager');
    }));

    it('counts sign-in attempts per account and address and per address, and gives them back on success', withStore(open, async (store) => {
      const alice = await store.addAdminUser('alice', 'h', t0);
      assert.equal(await store.reserveSignInAttempt('alice', '192.0.2.1', limits, t0), null);
      assert.equal(await store.reserveSignInAttempt('alice', '192.0.2.1', limits, t0 + 1), null);
      assert.equal(await store.reserveSignInAttempt('alice', '192.0.2.1', limits, t0 + 2), t0 + 1000);
      assert.deepEqual(await store.signInLockout('alice', limits, t0 + 2), { addresses: 1, until: t0 + 1000 });
      assert.equal(await store.reserveSignInAttempt('bob', '192.0.2.1', limits, t0 + 3), null);
      // The address has had its three, whatever the name.
      assert.equal(await store.reserveSignInAttempt('carol', '192.0.2.1', limits, t0 + 4), t0 + 1000);
      assert.equal(await store.reserveSignInAttempt('alice', '192.0.2.1', limits, t0 + 1000), null);
      await store.signInSucceeded(alice.id, 'alice', '192.0.2.1', t0 + 1001);
      assert.equal((await store.getAdminUser(alice.id))!.lastSignInAt, t0 + 1001);
      assert.equal(await store.signInLockout('alice', limits, t0 + 1001), undefined);
      await store.reserveSignInAttempt('alice', '192.0.2.2', limits, t0 + 1002);
      assert.equal(await store.clearSignInAttempts('alice'), 1);
    }));

    it('creates the first admin with the one working setup token, once', withStore(open, async (store) => {
      await store.replaceSetupToken('old', t0);
      await store.replaceSetupToken('new', t0 + 1);
      assert.equal(await store.setupTokenWorks('old'), false);
      assert.equal(await store.setupTokenWorks('new'), true);
      assert.equal(await store.createFirstAdmin('old', 'alice', 'h', t0 + 2), undefined);
      const alice = (await store.createFirstAdmin('new', 'alice', 'h', t0 + 2))!;
      assert.deepEqual([alice.username, alice.role], ['alice', 'operator']);
      assert.equal(await store.setupTokenWorks('new'), false);
      await store.replaceSetupToken('newer', t0 + 3);
      assert.equal(await store.createFirstAdmin('newer', 'bob', 'h', t0 + 4), undefined);
    }));

    it('keeps admin sessions until they expire', withStore(open, async (store) => {
      await store.saveAdminSession('s1', '{"a":1}', t0 + 10);
      await store.saveAdminSession('s1', '{"a":2}', t0 + 20);
      assert.equal(await store.getAdminSession('s1', t0 + 15), '{"a":2}');
      await store.touchAdminSession('s1', t0 + 30);
      assert.equal(await store.getAdminSession('s1', t0 + 25), '{"a":2}');
      assert.equal(await store.getAdminSession('s1', t0 + 30), undefined);
      await store.saveAdminSession('s2', '{}', t0 + 100);
      assert.equal(await store.deleteExpiredAdminSessions(t0 + 30), 1);
      await store.deleteAdminSession('s2');
      assert.equal(await store.getAdminSession('s2', t0), undefined);
    }));
  });
}
