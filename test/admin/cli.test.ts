import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { signInLimits } from '../../app/admin/login-throttle';
import { hashPassword, verifyPassword } from '../../app/admin/passwords';
import { openTestStore, runCli, tempDir, testPortal, type TestPortal } from '../helpers';
import { csrfOf, ownerPassword } from './admin-helpers';

describe('portico admin add / passwd', () => {
  let dataDir: string;
  before(() => { dataDir = tempDir(); });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const portico = (argv: string[], stdin = '') => runCli(argv, { dataDir, publicUrl: 'https://wifi.example/', stdin });

  async function passwordOf(username: string): Promise<string> {
    const store = openTestStore(dataDir);
    try {
      return (await store.findAdminUser(username))!.passwordHash;
    } finally {
      await store.close();
    }
  }

  it('adds an admin with the first line of standard input as password', async () => {
    const result = await portico(['admin', 'add', 'owner', '--password-stdin'], 'first password\nignored\n');
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /Added admin "owner", an operator \(every venue and account\)\. Sign in at https:\/\/wifi\.example\/admin\/login/);
    const hash = await passwordOf('owner');
    assert.match(hash, /^scrypt\$/);
    assert.equal(await verifyPassword('first password', hash), true);
    assert.equal(await verifyPassword('first password\nignored', hash), false);
  });

  it('refuses a taken name, a short password and a password on the command line', async () => {
    assert.equal((await portico(['admin', 'add', 'OWNER', '--password-stdin'], 'another password\n')).code, 1);
    const short = await portico(['admin', 'add', 'second', '--password-stdin'], 'short\n');
    assert.equal(short.code, 1);
    assert.match(short.err, /at least 10 characters/);
    const noStdin = await portico(['admin', 'add', 'second', 'its password']);
    assert.equal(noStdin.code, 2);
    assert.equal((await portico(['admin', 'add', 'bad name!', '--password-stdin'], 'long enough password\n')).code, 1);
  });

  it('changes a password', async () => {
    const result = await portico(['admin', 'passwd', 'owner', '--password-stdin'], 'second password\r\n');
    assert.equal(result.code, 0, result.err);
    const hash = await passwordOf('owner');
    assert.equal(await verifyPassword('second password', hash), true);
    assert.equal(await verifyPassword('first password', hash), false);
    assert.equal((await portico(['admin', 'passwd', 'nobody', '--password-stdin'], 'second password\n')).code, 1);
  });
});

describe('portico admin list / unlock / remove, and passwd lifting the lock', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await testPortal({ TRUST_PROXY: 'true' });
    await portal.store.addAdminUser('owner', await hashPassword(ownerPassword), portal.clock());
    portal.clock.advance(60_000);
    await portal.store.addAdminUser('manager', await hashPassword(ownerPassword), portal.clock());
  });
  after(() => portal.close());

  // Another process than the server, as in real use: its own connection to the same database.
  const portico = (argv: string[], stdin = '') => runCli(argv, { dataDir: portal.dataDir, publicUrl: 'http://portal.test/', stdin, now: portal.clock });

  async function signIn(username: string, password: string, ip = '198.51.100.5') {
    const agent = request.agent(portal.app);
    const csrf = csrfOf((await agent.get('/admin/login')).text);
    const response = await agent.post('/admin/login').set('X-Forwarded-For', ip).type('form').send({ _csrf: csrf, username, password });
    return { agent, status: response.status };
  }

  async function lockOut(username: string, ip = '198.51.100.5') {
    for (let i = 0; i < signInLimits.perAccountAndAddress; i++) assert.equal((await signIn(username, `wrong ${i}`, ip)).status, 401);
    assert.equal((await signIn(username, ownerPassword, ip)).status, 429);
  }

  /** `admin list` as { name: line }. */
  async function listed(): Promise<Record<string, string>> {
    const result = await portico(['admin', 'list']);
    assert.equal(result.code, 0, result.err);
    return Object.fromEntries(result.out.trim().split('\n').map((line) => [line.split('\t')[0], line]));
  }

  it('lists the admins, when each was created, last signed in and whether it is locked', async () => {
    await lockOut('owner');
    await lockOut('owner', '198.51.100.6');
    assert.equal((await signIn('manager', ownerPassword)).status, 303);
    const lines = await listed();
    assert.deepEqual(Object.keys(lines), ['manager', 'owner']);
    assert.equal(lines.owner, `owner\toperator\tcreated 2026-11-27T12:00:00.000Z\tlast sign-in unknown\tlocked from 2 addresses until 2026-11-27T12:16:00.000Z`);
    assert.equal(lines.manager, `manager\toperator\tcreated 2026-11-27T12:01:00.000Z\tlast sign-in 2026-11-27T12:01:00.000Z\tnot locked`);
  });

  it('unlock clears the account\'s failures from every address, in the running server too', async () => {
    const result = await portico(['admin', 'unlock', 'OWNER']);
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out, 'Unlocked "owner": cleared its failed sign-ins from 2 addresses.\n');
    assert.match((await listed()).owner, /\tnot locked$/);
    assert.equal((await signIn('owner', ownerPassword)).status, 303);
    assert.equal((await signIn('owner', ownerPassword, '198.51.100.6')).status, 303);
    assert.match((await listed()).owner, /\tlast sign-in 2026-11-27T12:01:00.000Z\t/);
  });

  it('passwd lifts the lock', async () => {
    await lockOut('owner');
    const result = await portico(['admin', 'passwd', 'owner', '--password-stdin'], 'a brand new password\n');
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /sign-in lock is cleared/);
    assert.equal((await signIn('owner', 'a brand new password')).status, 303);
  });

  it('remove deletes the admin and ends its sessions, but never the last operator', async () => {
    const { agent, status } = await signIn('manager', ownerPassword, '198.51.100.7');
    assert.equal(status, 303);
    await agent.get('/admin/venues/1/settings').expect(200);
    const result = await portico(['admin', 'remove', 'manager']);
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out, 'Removed admin "manager"; its sessions are signed out.\n');
    await agent.get('/admin/venues/1/settings').expect(303).expect('Location', '/admin/login');
    assert.equal(await portal.store.findAdminUser('manager'), undefined);
    assert.deepEqual(Object.keys(await listed()), ['owner']);

    const last = await portico(['admin', 'remove', 'owner']);
    assert.equal(last.code, 1);
    assert.equal(last.err, 'portico admin: this is the last operator; add another one first (portico admin add --operator)\n');
    assert.ok(await portal.store.findAdminUser('owner'));
  });

  it('names an unknown admin plainly, and needs its arguments', async () => {
    for (const action of ['unlock', 'remove']) {
      const result = await portico(['admin', action, 'nobody']);
      assert.equal(result.code, 1);
      assert.equal(result.err, `portico admin: no admin "nobody"; see: npx portico admin list\n`);
      assert.equal((await portico(['admin', action])).code, 2);
    }
    assert.equal((await portico(['admin', 'list', 'extra'])).code, 2);
    assert.equal((await portico(['admin', 'frobnicate'])).code, 2);
  });
});
