import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from './helpers';

const serverScript = path.join(__dirname, '..', 'app', 'server.js');

describe('npm start on a fresh machine', () => {
  it('creates the database, seeds a venue, logs the preview URL, serves it and stops on SIGTERM', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const child = spawn(process.execPath, [serverScript], {
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', RADIUS_PORT: '0', RADIUS_ACCT_PORT: '0', RADIUS_HOST: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => { log += chunk; });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const deadline = Date.now() + 15_000;
      while (!/listen=\*:\d+/.test(log) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.match(log, /guest page preview: http:\/\/localhost:0\/preview/);
      const port = /listen=\*:(\d+)/.exec(log)![1];
      const preview = await fetch(`http://127.0.0.1:${port}/preview`);
      assert.equal(preview.status, 200);
      assert.match(await preview.text(), /My Venue/);
      assert.ok(fs.existsSync(path.join(dataDir, 'portico.db')));
      assert.equal(fs.statSync(path.join(dataDir, 'secret.key')).mode & 0o777, 0o600);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
    assert.match(log, /stopped/);
  });
});
