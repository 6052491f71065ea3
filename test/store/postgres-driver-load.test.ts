import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';

// In a fresh process: this one's test runner may have loaded fetch already.
function loadInFreshProcess(): { undici: boolean; navigator: string; nodeStreams: boolean } {
  const store = path.join(__dirname, '../../app/store/postgres/index.js');
  const script = `const before = typeof navigator; require(${JSON.stringify(store)});
    const net = require('node:net'); const { getStream } = require('pg/lib/stream');
    console.log(JSON.stringify({ undici: process.moduleLoadList.some((name) => name.includes('undici')),
      navigator: before === typeof navigator ? 'unchanged' : typeof navigator, nodeStreams: getStream() instanceof net.Socket }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '../..'), encoding: 'utf8' })) as never;
}

describe('loading the PostgreSQL store', () => {
  it('does not load Node\'s fetch for node-postgres\'s Cloudflare probe, leaves no navigator behind, and gets Node sockets', () => {
    assert.deepEqual(loadInFreshProcess(), { undici: false, navigator: 'unchanged', nodeStreams: true });
  });
});
