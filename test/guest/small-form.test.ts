import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { testPortal, type TestPortal } from '../helpers';

// The accept form's reader (app/guest/small-form.ts), through the real route: the preview's accept
// records nothing, so a readable form answers 200 and an unreadable one its refusal.
describe('accept form reader', () => {
  let portal: TestPortal;
  let state: string;
  before(async () => {
    portal = await testPortal();
    const page = await request(portal.app).get('/preview').expect(200);
    state = /name="state" value="([^"]+)"/.exec(page.text)![1];
  });
  after(() => portal.close());

  const post = (body: string, contentType: string) => request(portal.app).post('/accept').set('content-type', contentType).send(body);

  it('reads a urlencoded form, in UTF-8 however the charset is spelled', async () => {
    await post(`state=${encodeURIComponent(state)}&accept=Accept`, 'application/x-www-form-urlencoded').expect(200);
    await post(`state=${encodeURIComponent(state)}&accept=Accept`, 'Application/X-WWW-Form-Urlencoded; Charset="UTF-8"').expect(200);
  });

  it('refuses another charset with 415, and too many fields or bytes with 413', async () => {
    await post(`state=${encodeURIComponent(state)}`, 'application/x-www-form-urlencoded; charset=utf-16').expect(415);
    const fields = Array.from({ length: 51 }, (_, i) => `f${i}=x`).join('&');
    await post(`state=${encodeURIComponent(state)}&${fields}`, 'application/x-www-form-urlencoded').expect(413);
    await post(`state=${'x'.repeat(17 * 1024)}`, 'application/x-www-form-urlencoded').expect(413);
  });

  it('leaves other content types unread, so that the missing state is a 400', async () => {
    const refused = await post(JSON.stringify({ state }), 'application/json').expect(400);
    assert.match(refused.text, /missing &#34;state&#34;/);
    await post(`state=${encodeURIComponent(state)}`, 'text/plain').expect(400);
  });

  it('takes a repeated field as a list, which the route refuses', async () => {
    await post(`state=${encodeURIComponent(state)}&state=${encodeURIComponent(state)}`, 'application/x-www-form-urlencoded').expect(400);
  });
});
