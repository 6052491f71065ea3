import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { testPortal, type TestPortal } from './helpers';
import { captureLog } from './log-capture';

// The guest and router endpoints are served on the edge, ahead of Express: they must match, refuse and answer as the Express routes did.
describe('the edge', () => {
  let portal: TestPortal;
  const ping = '/wifidog/ping/?gw_id=bar&sys_uptime=1&sys_memfree=1&sys_load=0.1&wifidog_uptime=1';
  before(async () => {
    portal = await testPortal({ TRUST_PROXY: 'loopback' });
    await portal.store.addGateway({ id: 'bar', siteId: portal.site.id, type: 'wifidog', name: 'Bar', settings: {} }, portal.clock());
  });
  after(() => portal.close());

  it('match with or without the trailing slash and in any letter case, as Express did', async () => {
    for (const path of [ping, ping.replace('ping/?', 'ping?'), ping.replace('/wifidog/ping/', '/WiFiDog/Ping/')]) {
      const answer = await request(portal.app).get(path);
      assert.equal(answer.status, 200, path);
      assert.equal(answer.text, 'Pong');
    }
  });

  it('answer HEAD for GET routes, with the headers and without the body', async () => {
    const answer = await request(portal.app).head('/preview');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(answer.text, undefined);
  });

  it('send the same security headers as the Express pages', async () => {
    const direct = await request(portal.app).get(ping);
    const admin = await request(portal.app).get('/admin/login');
    for (const name of ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'x-frame-options']) {
      assert.ok(direct.headers[name], name);
      assert.equal(direct.headers[name], admin.headers[name], name);
    }
  });

  it('leave other methods and paths to Express', async () => {
    assert.equal((await request(portal.app).put('/accept')).status, 404);
    assert.equal((await request(portal.app).get('/wifidog/ping/extra')).status, 404);
    assert.equal((await request(portal.app).get('/online/%E0%A4%A')).status, 404); // a malformed escape matches nothing
    assert.equal((await request(portal.app).get('/healthz')).text, 'ok\n');
  });

  it('refuse a bad request with the error page and a log line, never a stack trace', async () => {
    const { result: answer, lines } = await captureLog(() => request(portal.app).get('/online/999'));
    assert.equal(answer.status, 404);
    assert.match(answer.headers['content-type'], /^text\/html; charset=utf-8/);
    assert.equal(answer.headers['cache-control'], 'no-store');
    assert.match(answer.text, /There is no venue at this address\./);
    assert.doesNotMatch(answer.text, /at .*\.js:\d+/);
    assert.match(lines, /request refused.*\/online\/999/);
  });

  it('take the client address through trusted proxies only, as Express did', async () => {
    // supertest connects over loopback, which TRUST_PROXY=loopback trusts to name the client.
    const { lines } = await captureLog(() => request(portal.app).get('/wifidog/auth/?stage=login').set('X-Forwarded-For', '192.0.2.7'));
    assert.match(lines, /wifidog auth request refused.*192\.0\.2\.7/);
  });

  it('count per-address requests in the same limiter as the Express routes', async () => {
    const limited = await testPortal({ RATE_LIMIT_ADDRESS: '3' });
    try {
      const statuses = [];
      for (const path of ['/preview', '/admin/login', '/preview', '/portal']) statuses.push((await request(limited.app).get(path)).status);
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      const refused = await request(limited.app).get('/preview');
      assert.ok(Number(refused.headers['retry-after']) > 0);
      assert.match(refused.text, /Too many requests/);
    } finally {
      await limited.close();
    }
  });

  it('refuse over the per-address limit with the same error page and Retry-After on either stack', async () => {
    const limited = await testPortal({ RATE_LIMIT_ADDRESS: '1' });
    try {
      await request(limited.app).get('/preview').expect(200);
      const [edge, express] = [await request(limited.app).get('/preview'), await request(limited.app).get('/admin/login')];
      for (const refused of [edge, express]) {
        assert.equal(refused.status, 429);
        assert.ok(Number(refused.headers['retry-after']) > 0);
        assert.equal(refused.headers['cache-control'], 'no-store');
        assert.equal(refused.headers['content-type'], 'text/html; charset=utf-8');
      }
      assert.equal(edge.text, express.text);
    } finally {
      await limited.close();
    }
  });

  it('serve the guest stylesheet for a year, and a 304 to the browser that has it', async () => {
    const page = await request(portal.app).get('/preview');
    const sheet = /href="\/(style\/[0-9a-f]{16}\.css)"/.exec(page.text)?.[1];
    assert.ok(sheet);
    const first = await request(portal.app).get(`/${sheet}`).expect(200);
    assert.equal(first.headers['content-type'], 'text/css; charset=utf-8');
    assert.equal(first.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(first.text, /--accent:/);
    const again = await request(portal.app).get(`/${sheet}`).set('If-None-Match', first.headers.etag).expect(304);
    assert.equal(again.headers.etag, first.headers.etag);
    assert.equal((await request(portal.app).get(`/${sheet}`).set('If-None-Match', first.headers.etag).set('Cache-Control', 'no-cache')).status, 200);
  });
});
