import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { termsTexts } from '../app/content-digests';
import { projectRoot } from '../app/paths';
import { verifyPassword } from '../app/admin/passwords';
import { ensureVenue } from '../app/venue-settings';
import { openTestStore, tempDir } from './helpers';

/** Runs a script of the project as a child; `onOut` sees its standard output as it comes. */
function runNode(script: string, args: string[], env: Record<string, string>, onOut?: (child: ReturnType<typeof spawn>) => void) {
  const child = spawn(process.execPath, [path.join(projectRoot, script), ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => { err += text; });
  onOut?.(child);
  return new Promise<{ code: number | null; err: string }>((resolve) => child.on('close', (code) => resolve({ code, err })));
}

describe('the command line and the server as processes: plain words, never a stack trace', () => {
  it('a reader that stops early (terms list | head) ends the command quietly', async () => {
    const dataDir = tempDir();
    const store = openTestStore(dataDir);
    const site = await ensureVenue(store, Date.now());
    // Far more lines than a pipe holds, so the command is still writing when its reader goes.
    for (let release = 0; release < 1500; release++) await store.publishTerms(site.id, termsTexts([{ language: 'en', body: `Rules ${release}` }]), Date.now());
    await store.close();
    const result = await runNode('bin/portico.js', ['terms', 'list'], { DATA_DIR: dataDir }, (child) => {
      child.stdout!.once('data', () => child.stdout!.destroy());
    });
    assert.equal(result.code, 0);
    assert.equal(result.err, '');
  });

  it('a busy port is named with what to do, and the server exits 1', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const result = await runNode('dist/app/server.js', [], { DATA_DIR: tempDir(), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', RADIUS_PORT: '0', RADIUS_ACCT_PORT: '0' });
      assert.equal(result.code, 1);
      assert.match(result.err, new RegExp(`port ${port} is in use \\(127\\.0\\.0\\.1:${port}\\): stop what uses it, or set PORT to another port`));
      assert.doesNotMatch(result.err, /^ {4}at /m);
    } finally {
      holder.close();
    }
  });

  /** `admin add owner` on a pseudo-terminal (util-linux script), answering each question as it appears. */
  function addOnTerminal(dataDir: string, answers: string[]) {
    const command = `${process.execPath} ${path.join(projectRoot, 'bin/portico.js')} admin add owner`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { PATH: process.env.PATH, DATA_DIR: dataDir }, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    const questions = /New password for "owner": |Type it again: /g;
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      screen += text;
      while (questions.exec(screen) && answers.length > 0) child.stdin!.write(answers.shift()!);
    });
    return new Promise<{ code: number | null; screen: string }>((resolve) => child.on('close', (code) => resolve({ code, screen })));
  }

  it('admin add on a terminal asks for the password twice and never shows it', async () => {
    const dataDir = tempDir();
    const password = 'correct horse battery';
    const result = await addOnTerminal(dataDir, [`${password}x\u007f\r`, `${password}\r`]);
    assert.equal(result.code, 0, result.screen);
    assert.match(result.screen, /New password for "owner": \r?\nType it again: \r?\nAdded admin "owner"/);
    assert.ok(!result.screen.includes('horse'), 'the password is not echoed');
    const store = openTestStore(dataDir);
    try {
      assert.ok(await verifyPassword(password, (await store.findAdminUser('owner'))!.passwordHash), 'backspace took the x back');
    } finally {
      await store.close();
    }
  });

  it('admin add on a terminal refuses two different answers, adding nobody', async () => {
    const dataDir = tempDir();
    const result = await addOnTerminal(dataDir, ['first password here\r', 'second password here\r']);
    assert.equal(result.code, 1);
    assert.match(result.screen, /the two passwords differ; nothing changed/);
    const store = openTestStore(dataDir);
    try {
      assert.equal(await store.findAdminUser('owner'), undefined);
    } finally {
      await store.close();
    }
  });

  it('admin add from a pipe takes the first line without asking', async () => {
    const dataDir = tempDir();
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin/portico.js'), 'admin', 'add', 'owner', '--password-stdin'],
      { env: { PATH: process.env.PATH, DATA_DIR: dataDir }, stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (text: string) => { err += text; });
    child.stdin!.end('piped password one\nsecond line\n');
    assert.equal(await new Promise((resolve) => child.on('close', resolve)), 0, err);
    assert.doesNotMatch(err, /New password/);
    const store = openTestStore(dataDir);
    try {
      assert.ok(await verifyPassword('piped password one', (await store.findAdminUser('owner'))!.passwordHash));
    } finally {
      await store.close();
    }
  });
});
