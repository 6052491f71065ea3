import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreConflictError } from '../../../app/errors';
import { accept, t0, venue, withStore, type OpenStore } from './fixture';

export function routerContract(open: OpenStore): void {
  describe('routers', () => {
    it('adds routers once (a second with the same id is a conflict), lists them by id, renames and removes them', withStore(open, async (store) => {
      const { site, gateway } = await venue(store);
      assert.deepEqual(gateway, { id: 'hall', siteId: site.id, type: 'wifidog', name: 'Hall', settings: { checkIntervalSeconds: 60 }, createdAt: t0 });
      await assert.rejects(store.addGateway({ ...gateway, name: 'Again' }, t0), StoreConflictError);
      await store.addGateway({ id: 'bar', siteId: site.id, type: 'pfsense', name: 'Bar', settings: { address: '192.0.2.1' } }, t0);
      assert.deepEqual((await store.listGateways(site.id)).map((g) => g.id), ['bar', 'hall']);
      assert.deepEqual((await store.listGateways()).map((g) => g.id), ['bar', 'hall']);
      assert.equal(await store.renameGateway('hall', 'Main hall'), true);
      assert.equal((await store.getGateway('hall'))!.name, 'Main hall');
      assert.equal(await store.renameGateway('nowhere', 'x'), false);
      assert.equal(await store.removeGateway('bar'), true);
      assert.equal(await store.removeGateway('bar'), false);
      assert.equal(await store.getGateway('bar'), undefined);
    }));

    it('keeps a removed router\'s acceptances, with no router', withStore(open, async (store) => {
      const { site, terms } = await venue(store);
      await accept(store, site, { termsVersionId: terms.id, deviceId: 'd1' });
      await store.removeGateway('hall');
      const rows = [];
      for await (const row of store.exportAcceptances({ siteId: site.id })) rows.push(row);
      assert.deepEqual(rows.map((row) => row.gatewayId), [null]);
    }));

    it('records what a router reports of itself', withStore(open, async (store) => {
      await venue(store);
      assert.equal((await store.getGateway('hall'))!.lastContactAt, undefined);
      assert.equal((await store.getGateway('hall'))!.health, undefined);
      assert.equal(await store.recordGatewayContact('hall', { sysUptime: 100, sysMemfree: 2048, sysLoad: 0.5 }, t0 + 5), true);
      let gateway = (await store.getGateway('hall'))!;
      assert.deepEqual([gateway.lastContactAt, gateway.health], [t0 + 5, { sysUptime: 100, sysMemfree: 2048, sysLoad: 0.5 }]);
      // Each report replaces the one before: what the router no longer sends is gone.
      await store.recordGatewayContact('hall', { sysUptime: 160 }, t0 + 65);
      gateway = (await store.getGateway('hall'))!;
      assert.deepEqual([gateway.lastContactAt, gateway.health], [t0 + 65, { sysUptime: 160 }]);
      assert.equal(await store.recordGatewayContact('nowhere', { sysUptime: 1 }, t0), false);
    }));
  });
}
