import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { tempDir } from '../helpers';
import { acceptFormFor, addPfSenseGateway, startServerProcess, type ServerProcess } from './server-process';
import { openDatabaseFile } from '../store/raw';

function macFor(n: number): string {
  return `02:00:00:00:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`;
}

/** POSTs the accept form; resolves true only when Portico answered with the handoff to the router. */
function accept(server: ServerProcess, body: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.request(new URL('accept', server.url), {
      method: 'POST', agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
    }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode === 307));
      response.on('error', () => resolve(false));
    });
    request.on('error', () => resolve(false));
    request.end(body);
  });
}

describe('durability: killing the server never loses an answered acceptance', () => {
  const dataDir = tempDir();
  const servers: ServerProcess[] = [];
  after(() => {
    for (const server of servers) server.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acceptance a guest got an answer for across a SIGKILL during concurrent acceptances', async () => {
    await addPfSenseGateway(dataDir);
    const first = await startServerProcess(dataDir);
    servers.push(first);

    const guests = 150;
    const forms: string[] = [];
    for (let n = 0; n < guests; n++) forms.push(await acceptFormFor(first, macFor(n), `10.1.${n >> 8}.${n & 255}`));

    // 12 guests at a time tap Accept; the server is killed once 40 have been answered.
    const answered = new Set<number>();
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < guests) {
        const n = next++;
        if (await accept(first, forms[n])) answered.add(n);
        if (answered.size >= 40 && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, worker));
    if (!killed) {
      first.child.kill('SIGKILL');
      assert.fail(`only ${answered.size} of ${guests} acceptances were answered: the kill never came`);
    }
    assert.equal((await first.exited).signal, 'SIGKILL');
    assert.ok(answered.size >= 40 && answered.size < guests, `answered ${answered.size} of ${guests}: the kill must land mid-way`);

    // It starts again on the database it left behind, and everything answered is there.
    const second = await startServerProcess(dataDir);
    servers.push(second);
    assert.equal((await fetch(new URL('healthz', second.url))).status, 200);
    const db = openDatabaseFile(path.join(dataDir, 'portico.db'), { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      const stored = new Set(db.prepare<[], { client_mac: string }>('SELECT client_mac FROM acceptances').all().map((row) => row.client_mac));
      const lost = [...answered].filter((n) => !stored.has(macFor(n)));
      assert.deepEqual(lost, [], 'answered acceptances missing after the crash');
      assert.ok(stored.size <= guests);
    } finally {
      db.close();
    }
    second.child.kill('SIGTERM');
    assert.equal((await second.exited).code, 0);
  });
});
