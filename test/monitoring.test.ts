import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import request from 'supertest';
import { runCli, testPortal, type TestPortal } from './helpers';
import { acceptAsPfSenseGuest, pfsenseRouterAddress } from './sim/pfsense-guest';
import { rawDatabase, openDatabaseFile } from './store/raw';

const token = 'metrics-token-0123456789';

describe('monitoring: /healthz and /metrics', () => {
  let portal: TestPortal;
  afterEach(() => portal.close());

  it('answers /healthz 200 while the database answers, 503 when it does not', async () => {
    portal = await testPortal();
    const ok = await request(portal.app).get('/healthz').expect(200);
    assert.equal(ok.text, 'ok\n');
    rawDatabase(portal.store).close();
    await request(portal.app).get('/healthz').expect(503);
  });

  it('keeps /metrics off unless METRICS_TOKEN is set', async () => {
    portal = await testPortal();
    await request(portal.app).get('/metrics').expect(404);
  });

  it('serves Prometheus counters only with the bearer token', async () => {
    portal = await testPortal({ METRICS_TOKEN: token });
    await portal.store.addGateway({ id: 'cafe', siteId: portal.site.id, type: 'pfsense', name: 'Café', settings: { address: pfsenseRouterAddress } }, portal.clock());
    await request(portal.app).get('/metrics').expect(401).expect('www-authenticate', /Bearer/);
    await request(portal.app).get('/metrics').set('authorization', 'Bearer wrong-token-but-long-enough').expect(401);

    assert.equal((await acceptAsPfSenseGuest(portal.app, 'cafe', { mac: '02:00:00:00:00:01', ip: '192.168.1.9' })).status, 307);
    await request(portal.app).get('/pfsense/nowhere?zone=guest').expect(404);
    await request(portal.app).get('/some/random/path').expect(404);
    await request(portal.app).get('/wifidog/ping/?gw_id=dd&sys_uptime=1&sys_memfree=1&sys_load=0.1&wifidog_uptime=1').expect(200);

    const metrics = await request(portal.app).get('/metrics').set('authorization', `Bearer ${token}`).expect(200).expect('content-type', /text\/plain; version=0.0.4/);
    assert.match(metrics.text, /^# TYPE portico_http_requests_total counter$/m);
    assert.match(metrics.text, /^portico_http_requests_total\{route="\/pfsense\/:gatewayId",method="GET",status="200"\} 1$/m);
    assert.match(metrics.text, /^portico_http_requests_total\{route="\/pfsense\/:gatewayId",method="GET",status="404"\} 1$/m);
    assert.match(metrics.text, /^portico_http_requests_total\{route="\/accept",method="POST",status="307"\} 1$/m);
    assert.match(metrics.text, /^portico_http_requests_total\{route="unmatched",method="GET",status="404"\} 1$/m);
    assert.match(metrics.text, /^portico_acceptances_total\{type="pfsense"\} 1$/m);
    assert.match(metrics.text, /^portico_router_contacts_total\{type="wifidog",request="ping"\} 1$/m);
    assert.match(metrics.text, /^portico_errors_total 0$/m);
    assert.doesNotMatch(metrics.text, /random/, 'raw paths never become labels');
  });

  it('refuses a METRICS_TOKEN too short to be a secret', async () => {
    await assert.rejects(testPortal({ METRICS_TOKEN: 'short' }), /at least 16 characters/);
    portal = await testPortal();
  });
});

describe('npx portico backup', () => {
  let portal: TestPortal;
  afterEach(() => portal.close());

  it('copies a consistent database while guests keep accepting, and never overwrites a file', async () => {
    portal = await testPortal();
    await portal.store.addGateway({ id: 'cafe', siteId: portal.site.id, type: 'pfsense', name: 'Café', settings: { address: pfsenseRouterAddress } }, portal.clock());
    for (let n = 0; n < 20; n++) await acceptAsPfSenseGuest(portal.app, 'cafe', { mac: `02:00:00:00:01:${n.toString(16).padStart(2, '0')}`, ip: '192.168.1.9' });

    const file = path.join(portal.dataDir, 'copy.db');
    const cli = { dataDir: portal.dataDir, publicUrl: portal.config.publicUrl.href, now: portal.clock };
    // Guests keep accepting while the backup runs on its own connection.
    const busy = Promise.all(Array.from({ length: 20 }, (_, n) =>
      acceptAsPfSenseGuest(portal.app, 'cafe', { mac: `02:00:00:00:02:${n.toString(16).padStart(2, '0')}`, ip: '192.168.1.9' })));
    const backup = await runCli(['backup', file], cli);
    await busy;
    assert.equal(backup.code, 0, backup.err);
    assert.match(backup.out, /Backed up the database to/);

    const copy = openDatabaseFile(file, { readonly: true });
    assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
    const copied = copy.prepare('SELECT count(*) FROM acceptances').pluck().get() as number;
    assert.ok(copied >= 20 && copied <= 40, `copied ${copied}`);
    assert.ok((copy.prepare('SELECT count(*) FROM schema_migrations').pluck().get() as number) >= 2);
    copy.close();

    const size = fs.statSync(file).size;
    const again = await runCli(['backup', file], cli);
    assert.equal(again.code, 1);
    assert.match(again.err, /already exists/);
    assert.equal(fs.statSync(file).size, size);
    assert.equal((await runCli(['backup', path.join(portal.dataDir, 'no', 'such', 'dir.db')], cli)).code, 1);
  });
});
