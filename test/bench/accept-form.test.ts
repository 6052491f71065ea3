import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { acceptForm } from '../../bench/http-client';
import { newGuest, pfsenseEntryPath, pfsenseGatewayId } from '../../bench/guests';
import { countRows, testPortal, type TestPortal } from '../helpers';

// The benchmark's accept scenario submits forms it reads with a light scan of thousands of pages:
// this keeps that scan in step with the real terms page.
describe('bench: the accept form read from a rendered terms page', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await testPortal();
    await portal.store.addGateway({ id: pfsenseGatewayId, siteId: portal.site.id, type: 'pfsense', name: 'Bench', settings: {} }, portal.clock());
  });
  after(() => portal.close());

  it('carries every field pfSense needs, and submitting it records one acceptance', async () => {
    const page = await request(portal.app).get(pfsenseEntryPath(newGuest())).expect(200);
    const form = acceptForm(page.text);
    assert.ok(form.fields.state);
    assert.equal(form.fields.zone, 'guest');
    assert.ok(form.fields.accept);
    await request(portal.app).post(new URL(form.action, 'http://portal.test/pfsense/x').pathname).type('form').send(form.fields)
      .expect(307).expect('location', 'http://192.168.1.1:8002/index.php?zone=guest');
    assert.equal(countRows(portal.store, 'acceptances'), 1);
  });

  it('decodes the entities a hidden value may hold', () => {
    const form = acceptForm('<form method="post" action="accept"><input type="hidden" name="a" value="x&amp;y&quot;z"><button name="go" value="1">Go</button></form>');
    assert.deepEqual(form, { action: 'accept', fields: { a: 'x&y"z', go: '1' } });
  });
});
