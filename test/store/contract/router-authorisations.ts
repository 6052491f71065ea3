import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { t0, withStore, type OpenStore } from './fixture';

export function routerAuthorisationContract(open: OpenStore): void {
  describe('router authorisations', () => {
    const line = (gatewayId: string, key: string, queuedAt = t0, offerUntil = t0 + 600_000) => ({ gatewayId, siteId: 1, key, entry: `${key}%201`, queuedAt, offerUntil });

    it('offers each router its own lines, oldest first, until acknowledged or past their offer; a line queued twice stays as it was', withStore(open, async (store) => {
      await store.queueRouterAuthorisation(line('a', 'k2', t0 + 1));
      await store.queueRouterAuthorisation(line('a', 'k1'));
      await store.queueRouterAuthorisation({ ...line('a', 'k1'), entry: 'changed' });
      await store.queueRouterAuthorisation(line('b', 'k1'));
      await store.queueRouterAuthorisation(line('a', 'old', t0, t0 + 10));
      assert.deepEqual((await store.pendingRouterAuthorisations('a', t0 + 10, 10)).map((row) => [row.key, row.entry]), [['k1', 'k1%201'], ['k2', 'k2%201']]);
      assert.deepEqual((await store.pendingRouterAuthorisations('a', t0 + 10, 1)).map((row) => row.key), ['k1']);
      assert.deepEqual(await store.forgetRouterAuthorisations('a', ['k1', 'never', 'k1']), ['k1']);
      assert.deepEqual((await store.pendingRouterAuthorisations('a', t0 + 10, 10)).map((row) => row.key), ['k2']);
      assert.equal(await store.clearRouterAuthorisations('a'), 1);
      assert.deepEqual(await store.pendingRouterAuthorisations('a', t0 + 10, 10), []);
      assert.deepEqual((await store.pendingRouterAuthorisations('b', t0 + 10, 10)).map((row) => row.key), ['k1']);
    }));
  });
}
