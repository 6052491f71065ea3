import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { captureLog } from '../log-capture';
import { testPortal, type TestPortal } from '../helpers';
import { signedInAgent } from './admin-helpers';

const canonical = ['/admin', '/admin/', '/admin/login', '/admin/setup?token=x', '/admin/venues/1/dashboard', '/admin/venues/1/settings', '/admin/venues/1/terms',
  '/admin/venues/1/routers', '/admin/venues/1/routers/lobby', '/admin/logout'];

/** Case and trailing-slash variants of a path's first segment and of the rest. */
function variants(path: string): string[] {
  const [pathname, query] = path.split('?');
  const suffix = query === undefined ? '' : `?${query}`;
  const rest = pathname.slice('/admin'.length);
  const shapes = [
    `/Admin${rest}`, `/ADMIN${rest}`, `/aDmIn${rest}`, `/admin${rest.toUpperCase()}`, `/Admin${rest.toUpperCase()}`,
    `/Admin${rest}/`, `/admin${rest}/`,
  ];
  return [...new Set(shapes)].map((shape) => shape + suffix);
}

describe('admin path case variants', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await testPortal();
    await portal.store.addGateway({ id: 'lobby', siteId: portal.site.id, type: 'pfsense', name: 'Lobby', settings: {} }, portal.clock());
  });
  after(() => portal.close());

  for (const path of canonical) {
    it(`answers the variants of ${path} without a 500 or a stack trace, like the canonical path`, async () => {
      const { agent } = await signedInAgent(portal);
      const { lines } = await captureLog(async () => {
        for (const variant of variants(path)) {
          for (const client of [request(portal.app), agent]) {
            for (const method of ['get', 'post'] as const) {
              const response = await client[method](variant).redirects(0);
              assert.ok(response.status < 500, `${method} ${variant}: ${response.status}`);
              if (response.status === 308) {
                const location = response.headers.location;
                assert.ok(location.startsWith('/admin'), location);
                const bare = (path: string) => path.toLowerCase().replace(/\/$/, '');
                assert.equal(bare(location), bare(variant), 'the same path, in the canonical case');
              }
            }
          }
        }
      });
      assert.doesNotMatch(lines, /request failed|TypeError|\n {2,}at /);
    });
  }

  it('serves the canonical sign-in page after the redirect', async () => {
    const response = await request(portal.app).get('/ADMIN/login').expect(308);
    assert.equal(response.headers.location, '/admin/login');
    await request(portal.app).get(response.headers.location).expect(200);
  });
});
