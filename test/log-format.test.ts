import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../app/config';
import { ConfigError } from '../app/errors';
import { log } from '../app/log';
import { tempDir } from './helpers';
import { startServerProcess } from './server/server-process';

/** What the log writes to stderr while `work` runs. */
function written(work: () => void): string {
  const write = process.stderr.write;
  let text = '';
  process.stderr.write = ((chunk: string) => { text += chunk; return true; }) as typeof process.stderr.write;
  try {
    work();
    log.flush();
  } finally {
    process.stderr.write = write;
  }
  return text;
}

describe('LOG_FORMAT=json: one JSON object per line', () => {
  after(() => {
    log.setFormat('text');
    log.setLevel('silent');
  });

  it('writes time, level, message and the fields, MACs masked, never letting a field hide the line’s own keys', () => {
    log.setLevel('info');
    log.setFormat('json');
    const line = written(() => log.warn('guest seen aa:bb:cc:dd:ee:ff', { mac: 'aa:bb:cc:dd:ee:ff', count: 3, level: 'fake', empty: undefined }));
    assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'), 'one line');
    const entry = JSON.parse(line) as Record<string, unknown>;
    assert.match(String(entry.time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.deepEqual({ ...entry, time: undefined }, {
      time: undefined, level: 'warn', message: 'guest seen aa:bb:cc:xx:xx:xx', mac: 'aa:bb:cc:xx:xx:xx', count: 3, field_level: 'fake',
    });
    log.setFormat('text');
    assert.match(written(() => log.warn('plain', { count: 3 })), /^\S+ warn plain count=3\n$/);
  });

  it('is refused at start unless text or json', () => {
    assert.equal(loadConfig({ LOG_FORMAT: 'JSON' }).logFormat, 'json');
    assert.equal(loadConfig({}).logFormat, 'text');
    assert.throws(() => loadConfig({ LOG_FORMAT: 'xml' }), (error) => error instanceof ConfigError && /LOG_FORMAT must be text or json/.test(error.message));
  });

  it('the real server logs only JSON lines with it', async () => {
    const server = await startServerProcess(tempDir(), { LOG_FORMAT: 'json' });
    server.child.kill('SIGTERM');
    await server.exited;
    const lines = server.log().trim().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as { level: string; message: string });
    assert.ok(entries.some((entry) => entry.level === 'info' && entry.message === 'Portico is serving'));
    assert.ok(entries.some((entry) => entry.message === 'stopped'));
  });
});
