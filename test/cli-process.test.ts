import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { termsTexts } from '../app/content-digests';
import { projectRoot } from '../app/paths';
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
      const result = await runNode('dist/app/server.js', [], { DATA_DIR: tempDir(), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
      assert.equal(result.code, 1);
      assert.match(result.err, new RegExp(`port ${port} is in use \\(127\\.0\\.0\\.1:${port}\\): stop what uses it, or set PORT to another port`));
      assert.doesNotMatch(result.err, /^ {4}at /m);
    } finally {
      holder.close();
    }
  });
});
