import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import request from 'supertest';
import { hashPassword } from '../../app/admin/passwords';
import { testPortal, type TestPortal } from '../helpers';

export const ownerPassword = 'correct horse battery';

/** The CSRF token of the first admin form on a page. */
export function csrfOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(token, 'the page has a CSRF token');
  return token;
}

/** A supertest agent (it keeps cookies) signed in as a new admin, with its CSRF token. */
export async function signedInAgent(portal: TestPortal, username = 'owner') {
  if (!await portal.store.findAdminUser(username)) await portal.store.addAdminUser(username, await hashPassword(ownerPassword), portal.clock());
  const agent = request.agent(portal.app);
  const login = await agent.get('/admin/login').expect(200);
  await agent.post('/admin/login').type('form')
    .send({ _csrf: csrfOf(login.text), username, password: ownerPassword })
    .expect(303).expect('Location', '/admin/');
  const settings = await agent.get('/admin/venues/1/settings').expect(200);
  return { agent, csrf: csrfOf(settings.text) };
}

/** Registers hooks for a suite: a fresh Portico with an admin signed in (fields are set before the first test). */
export function signedInPortal(env: Record<string, string> = {}) {
  const admin = {} as { portal: TestPortal } & Awaited<ReturnType<typeof signedInAgent>>;
  before(async () => {
    admin.portal = await testPortal(env);
    Object.assign(admin, await signedInAgent(admin.portal));
  });
  after(() => admin.portal.close());
  return admin;
}
