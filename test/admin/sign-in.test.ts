import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, it, mock } from 'node:test';
import request from 'supertest';
import { signInLimits } from '../../app/admin/login-throttle';
import * as passwords from '../../app/admin/passwords';
import { hashPassword } from '../../app/admin/passwords';
import { createSetupLink } from '../../app/admin/setup-link';
import { createApp } from '../../app/app';
import { createContext } from '../../app/context';
import { countRows, listeningPortal, openTestStore, testPortal, type TestPortal } from '../helpers';
import { csrfOf, ownerPassword } from './admin-helpers';
import { rawDatabase } from '../store/raw';

describe('first-run setup link', () => {
  let portal: TestPortal;
  before(async () => { portal = await testPortal(); });
  after(() => portal.close());

  it('creates the first admin once, signs them in, and then no longer works', async () => {
    const link = await createSetupLink(portal.ctx);
    assert.ok(link);
    const url = new URL(link);
    assert.equal(url.origin + url.pathname, 'http://portal.test/admin/setup');
    const token = url.searchParams.get('token')!;
    // Only the hash is stored.
    const stored = rawDatabase(portal.store).prepare('SELECT token_hash FROM admin_setup_tokens').all() as { token_hash: string }[];
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0].token_hash, token);

    const agent = request.agent(portal.app);
    const form = await agent.get(`/admin/setup?token=${token}`).expect(200);
    assert.match(form.text, /Create the account/);
    const csrf = csrfOf(form.text);

    const mismatch = await agent.post('/admin/setup').type('form')
      .send({ _csrf: csrf, token, username: 'owner', password: ownerPassword, password_confirmation: 'something else!' }).expect(400);
    assert.match(mismatch.text, /not the same/);
    const short = await agent.post('/admin/setup').type('form')
      .send({ _csrf: csrf, token, username: 'owner', password: 'short', password_confirmation: 'short' }).expect(400);
    assert.match(short.text, /at least 10 characters/);
    assert.equal(await portal.store.countAdminUsers(), 0);

    await agent.post('/admin/setup').type('form')
      .send({ _csrf: csrf, token, username: 'owner', password: ownerPassword, password_confirmation: ownerPassword })
      .expect(303).expect('Location', '/admin/');
    await agent.get('/admin/venues/1/settings').expect(200);
    assert.equal(await portal.store.countAdminUsers(), 1);

    // Used: neither the page nor the form works again, for anyone.
    const other = request.agent(portal.app);
    await other.get(`/admin/setup?token=${token}`).expect(410);
    const otherCsrf = csrfOf((await other.get('/admin/login')).text);
    await other.post('/admin/setup').type('form')
      .send({ _csrf: otherCsrf, token, username: 'intruder', password: ownerPassword, password_confirmation: ownerPassword }).expect(410);
    assert.equal(await portal.store.countAdminUsers(), 1);
    assert.equal(await createSetupLink(portal.ctx), null, 'no new link once an admin exists');
  });

  it('points the sign-in page to the setup link while no account exists, and no longer once one does', async () => {
    const fresh = await testPortal();
    try {
      const before = await request(fresh.app).get('/admin/login').expect(200);
      assert.match(before.text, /There is no admin account yet\. Portico wrote a one-time setup link to its log/);
      assert.match(before.text, /Run <code>npx portico admin setup-link<\/code> on the server for a new one/);
      await fresh.store.addAdminUser('owner', 'x', fresh.clock());
      const after = await request(fresh.app).get('/admin/login').expect(200);
      assert.doesNotMatch(after.text, /no admin account yet/);
    } finally {
      await fresh.close();
    }
  });

  it('refuses a made-up token', async () => {
    const fresh = await testPortal();
    try {
      await createSetupLink(fresh.ctx);
      const agent = request.agent(fresh.app);
      const made = 'A'.repeat(43);
      const form = await agent.get(`/admin/setup?token=${made}`).expect(200); // the form shows; the token is checked on submit
      await agent.post('/admin/setup').type('form')
        .send({ _csrf: csrfOf(form.text), token: made, username: 'owner', password: ownerPassword, password_confirmation: ownerPassword }).expect(410);
      await agent.get('/admin/setup?token=short').expect(410);
      assert.equal(await fresh.store.countAdminUsers(), 0);
    } finally {
      await fresh.close();
    }
  });

  it('hashes no password for a made-up, used or replaced token', async () => {
    const fresh = await testPortal();
    try {
      const replaced = new URL((await createSetupLink(fresh.ctx))!).searchParams.get('token')!;
      const live = new URL((await createSetupLink(fresh.ctx))!).searchParams.get('token')!;
      // Each from a new browser that loaded the sign-in page (for its form token).
      const post = async (token: string, username: string) => {
        const agent = request.agent(fresh.app);
        const csrf = csrfOf((await agent.get('/admin/login')).text);
        return agent.post('/admin/setup').type('form')
          .send({ _csrf: csrf, token, username, password: ownerPassword, password_confirmation: ownerPassword });
      };
      const hashes = mock.method(passwords, 'hashPassword');
      try {
        for (const token of ['A'.repeat(43), replaced]) assert.equal((await post(token, 'intruder')).status, 410);
        assert.equal(hashes.mock.callCount(), 0);
        assert.equal((await post(live, 'owner')).status, 303);
        assert.equal(hashes.mock.callCount(), 1);
        assert.equal((await post(live, 'intruder')).status, 410);
        assert.equal(hashes.mock.callCount(), 1, 'a used token costs no hash either');
      } finally {
        hashes.mock.restore();
      }
    } finally {
      await fresh.close();
    }
  });
});

describe('sign-in with lockout', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await testPortal({ TRUST_PROXY: 'true' }); // the test names its addresses in X-Forwarded-For
    await portal.store.addAdminUser('owner', await hashPassword(ownerPassword), portal.clock());
  });
  after(() => portal.close());

  async function attempt(username: string, password: string, ip = '203.0.113.7') {
    const agent = request.agent(portal.app);
    const csrf = csrfOf((await agent.get('/admin/login')).text);
    return agent.post('/admin/login').set('X-Forwarded-For', ip).type('form').send({ _csrf: csrf, username, password });
  }

  it('says the same for an unknown name and a wrong password', async () => {
    const unknown = await attempt('nobody', ownerPassword, '198.51.100.1');
    const wrong = await attempt('owner', 'wrong password', '198.51.100.1');
    assert.equal(unknown.status, 401);
    assert.equal(wrong.status, 401);
    assert.match(wrong.text, /user name or password is not right/);
    portal.clock.advance(signInLimits.windowMs);
  });

  it('locks the account from the address that failed, until the window ends', async () => {
    for (let i = 0; i < signInLimits.perAccountAndAddress; i++) assert.equal((await attempt('owner', `wrong ${i}`, '192.0.2.1')).status, 401);
    const locked = await attempt('owner', ownerPassword, '192.0.2.1');
    assert.equal(locked.status, 429);
    assert.match(locked.text, /Too many failed sign-ins/);
    assert.equal(countRows(portal.store, 'admin_sessions'), 0, 'failed sign-ins keep no session');

    portal.clock.advance(signInLimits.windowMs - 60_000);
    assert.equal((await attempt('owner', ownerPassword, '192.0.2.1')).status, 429);
    portal.clock.advance(60_000);
    const ok = await attempt('owner', ownerPassword, '192.0.2.1');
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.location, '/admin/');
  });

  it('lets the owner in from another address while a stranger is locked out', async () => {
    portal.clock.advance(signInLimits.windowMs);
    for (let i = 0; i < signInLimits.perAccountAndAddress; i++) assert.equal((await attempt('owner', `wrong ${i}`, '198.51.100.66')).status, 401);
    assert.equal((await attempt('owner', ownerPassword, '198.51.100.66')).status, 429, 'the stranger is locked out');
    assert.equal((await attempt('owner', ownerPassword, '192.0.2.10')).status, 303, 'the owner, elsewhere, is not');
    // The stranger's further tries do not renew anything for the owner either.
    assert.equal((await attempt('owner', 'wrong again', '198.51.100.66')).status, 429);
    assert.equal((await attempt('owner', ownerPassword, '192.0.2.10')).status, 303);
  });

  it('locks an address that tries many names', async () => {
    portal.clock.advance(signInLimits.windowMs + 1);
    for (let i = 0; i < signInLimits.perAddress; i++) assert.equal((await attempt(`guess${i}`, 'password1234', '203.0.113.50')).status, 401);
    assert.equal((await attempt('owner', ownerPassword, '203.0.113.50')).status, 429);
    assert.equal((await attempt('owner', ownerPassword, '203.0.113.51')).status, 303, 'other addresses still sign in');
  });

  it('counts an IPv6 /64 as one address', async () => {
    portal.clock.advance(signInLimits.windowMs + 1);
    for (let i = 0; i < signInLimits.perAccountAndAddress; i++) {
      assert.equal((await attempt('owner', `wrong ${i}`, `2001:db8:1:2::${(i + 1).toString(16)}`)).status, 401);
    }
    assert.equal((await attempt('owner', ownerPassword, '2001:db8:1:2:ffff::7')).status, 429);
    assert.equal((await attempt('owner', ownerPassword, '2001:db8:1:3::1')).status, 303);
  });

  // Spellings of one name count as one account; unknown names are counted the same way and answered alike.
  const spellings: [string, string[]][] = [
    ['the owner', ['owner', 'OWNER', ' owner', 'owner ', 'Owner', ' oWnEr ']],
    ['an unknown name', ['nobody', 'NOBODY', ' nobody', 'nobody ', 'NoBody', ' nObOdY ']],
    ['an unknown name with other characters', ['zoë@example', 'ZOË@EXAMPLE', ' zoë@example ', 'Zoë@Example', 'zoË@example', 'zoë@example ']],
  ];
  for (const [name, variants] of spellings) {
    it(`counts the spellings of ${name} as one account, checks each password once and answers alike`, async () => {
      portal.clock.advance(signInLimits.windowMs + 1);
      const checks = mock.method(passwords, 'verifyPassword');
      try {
        const answers = [];
        for (const [i, variant] of variants.entries()) answers.push(await attempt(variant, `wrong ${i}`, '192.0.2.200'));
        assert.deepEqual(answers.map((a) => a.status), [401, 401, 401, 401, 401, 429]);
        assert.equal(checks.mock.callCount(), signInLimits.perAccountAndAddress);
        assert.match(answers[0].text, /user name or password is not right/);
        assert.match(answers[5].text, /Too many failed sign-ins\. Try again in 15 minutes\./);
      } finally {
        checks.mock.restore();
      }
    });
  }

  it('signs in with spaces around the name', async () => {
    portal.clock.advance(signInLimits.windowMs + 1);
    assert.equal((await attempt('  Owner ', ownerPassword, '192.0.2.201')).status, 303);
  });

  it('refuses an empty name without a password check', async () => {
    const checks = mock.method(passwords, 'verifyPassword');
    try {
      assert.equal((await attempt('   ', ownerPassword, '192.0.2.202')).status, 401);
      assert.equal(checks.mock.callCount(), 0);
    } finally {
      checks.mock.restore();
    }
  });
});

describe('a burst of sign-ins', () => {
  it('checks at most the allowed number of passwords, and the right one in the burst does not get in', async () => {
    const portal = await listeningPortal({ TRUST_PROXY: 'true' });
    try {
      await portal.store.addAdminUser('owner', await hashPassword(ownerPassword), portal.clock());
      const page = await fetch(`${portal.url}admin/login`);
      const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const csrf = csrfOf(await page.text());
      const post = (password: string) => fetch(`${portal.url}admin/login`, {
        method: 'POST', redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie, 'X-Forwarded-For': '198.51.100.99' },
        body: new URLSearchParams({ _csrf: csrf, username: 'owner', password }).toString(),
      }).then(async (response) => { await response.arrayBuffer(); return response.status; });

      const checks = mock.method(passwords, 'verifyPassword');
      try {
        const burst = Array.from({ length: 99 }, (_, i) => post(`wrong password ${i}`));
        // The right password comes while the first checks are still running: as soon as one of the burst is refused.
        const refusals = burst.map((status) => status.then((code) => (code === 429 ? code : new Promise<never>(() => {}))));
        await Promise.race([...refusals, Promise.all(burst)]);
        const right = await post(ownerPassword);
        const statuses = await Promise.all(burst);
        assert.equal(right, 429, 'the right password gets no session while the account is locked from this address');
        assert.equal(checks.mock.callCount(), signInLimits.perAccountAndAddress, 'passwords checked');
        assert.equal(statuses.filter((code) => code === 401).length, signInLimits.perAccountAndAddress);
        assert.equal(statuses.filter((code) => code === 429).length, 99 - signInLimits.perAccountAndAddress);
        assert.equal(countRows(portal.store, 'admin_sessions'), 0);
      } finally {
        checks.mock.restore();
      }
    } finally {
      await portal.close();
    }
  });
});

describe('setup links of earlier starts', () => {
  /** Posts the setup form of `link` in a new browser; the status it gets. */
  async function useLink(app: TestPortal['app'], link: string, username: string): Promise<number> {
    const token = new URL(link).searchParams.get('token')!;
    const agent = request.agent(app);
    const form = await agent.get(`/admin/setup?token=${token}`).expect(200);
    const response = await agent.post('/admin/setup').type('form')
      .send({ _csrf: csrfOf(form.text), token, username, password: ownerPassword, password_confirmation: ownerPassword });
    return response.status;
  }

  it('only the newest link works', async () => {
    const portal = await testPortal();
    try {
      const older = (await createSetupLink(portal.ctx))!;
      const newer = (await createSetupLink(portal.ctx))!;
      assert.equal(await useLink(portal.app, older, 'intruder'), 410);
      assert.equal(await portal.store.countAdminUsers(), 0);
      assert.equal(await useLink(portal.app, newer, 'owner'), 303);
      assert.equal((await portal.store.findAdminUser('owner'))?.username, 'owner');
    } finally {
      await portal.close();
    }
  });

  it('a link printed before a restart no longer works after it', async () => {
    const portal = await testPortal();
    try {
      const beforeRestart = (await createSetupLink(portal.ctx))!;
      // The restart: a new store and app on the same data folder, which make their own link at start.
      await portal.store.close();
      const store = openTestStore(portal.dataDir);
      const ctx = createContext(portal.config, store, randomBytes(32), portal.clock);
      try {
        const afterRestart = (await createSetupLink(ctx))!;
        const app = createApp(ctx);
        assert.equal(await useLink(app, beforeRestart, 'intruder'), 410);
        assert.equal(await store.countAdminUsers(), 0);
        assert.equal(await useLink(app, afterRestart, 'owner'), 303);
      } finally {
        await store.close();
      }
    } finally {
      fs.rmSync(portal.dataDir, { recursive: true, force: true });
    }
  });
});
