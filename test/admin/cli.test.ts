import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { verifyPassword } from '../../app/admin/passwords';
import { openSqliteStore } from '../../app/store/sqlite';
import { runCli, tempDir } from '../helpers';

describe('portico admin add / passwd', () => {
  let dataDir: string;
  before(() => { dataDir = tempDir(); });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const portico = (argv: string[], stdin = '') => runCli(argv, { dataDir, publicUrl: 'https://wifi.example/', stdin });

  async function passwordOf(username: string): Promise<string> {
    const store = openSqliteStore(dataDir);
    try {
      return (await store.findAdminUser(username))!.passwordHash;
    } finally {
      await store.close();
    }
  }

  it('adds an admin with the first line of standard input as password', async () => {
    const result = await portico(['admin', 'add', 'owner', '--password-stdin'], 'first password\nignored\n');
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /Added admin "owner"\. Sign in at https:\/\/wifi\.example\/admin\/login/);
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
