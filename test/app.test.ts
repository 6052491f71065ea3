import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { testPortal, type TestPortal } from './helpers';

describe('the application stack', () => {
  let portal: TestPortal;
  before(async () => { portal = await testPortal(); });
  after(() => portal.close());

  it('still serves public/ files, with long caching, now that they are looked up after the routes', async () => {
    const css = await request(portal.app).get('/guest.css').expect(200);
    assert.match(css.headers['content-type'], /text\/css/);
    assert.match(css.headers['cache-control'], /max-age=604800/);
  });

  it('sends no ETag with no-store pages', async () => {
    const page = await request(portal.app).get('/preview').expect(200);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.equal(page.headers.etag, undefined);
  });
});
