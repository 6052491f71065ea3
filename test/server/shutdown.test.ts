import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { tempDir } from '../helpers';
import { acceptFormFor, addPfSenseGateway, startServerProcess, type ServerProcess } from './server-process';
import { openDatabaseFile } from '../store/raw';

/** A POST /accept whose body arrives in two parts: in flight until `finish` is called. */
async function slowAccept(server: ServerProcess, body: string) {
  const { port } = new URL(server.url);
  const socket = net.connect(Number(port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let response = '';
  socket.setEncoding('utf8').on('data', (text: string) => { response += text; });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  const half = Math.floor(body.length / 2);
  socket.write(`POST /accept HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`);
  return {
    finish: () => socket.write(body.slice(half)),
    /** The raw response, once the server has closed the connection. */
    response: async () => { await closed; return response; },
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 5000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function connectionRefused(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(false); });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('stopping the server', () => {
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  after(() => {
    for (const server of servers) server.child.kill('SIGKILL');
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A running server in a fresh DATA_DIR with one acceptance half-sent. */
  async function serverWithAcceptanceInFlight() {
    const dataDir = tempDir();
    dirs.push(dataDir);
    await addPfSenseGateway(dataDir);
    const server = await startServerProcess(dataDir);
    servers.push(server);
    const request = await slowAccept(server, await acceptFormFor(server, '02:00:00:00:aa:01', '10.0.0.9'));
    return { dataDir, server, request };
  }

  it('on SIGTERM stops taking connections, finishes the acceptance in flight, closes the database and exits 0', async () => {
    const { dataDir, server, request } = await serverWithAcceptanceInFlight();

    server.child.kill('SIGTERM');
    await until(() => server.log().includes('stopping: finishing requests in flight'), 'the stop log line');
    assert.equal(await connectionRefused(server.url), true, 'new connections must be refused while stopping');

    request.finish();
    const response = await request.response();
    assert.match(response, /^HTTP\/1\.1 307 /);
    assert.match(response, /\r\nLocation: http:\/\/127\.0\.0\.1:8002\/index\.php\?zone=guest\r\n/i);
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    assert.match(server.log(), / info stopped/);

    // Closed cleanly: the WAL was checkpointed into the database file and the row is there.
    assert.equal(fs.existsSync(path.join(dataDir, 'portico.db-wal')), false);
    const db = openDatabaseFile(path.join(dataDir, 'portico.db'), { readonly: true });
    assert.equal(db.prepare('SELECT count(*) AS n FROM acceptances WHERE client_mac = ?').pluck().get('02:00:00:00:aa:01'), 1);
    db.close();
  });

  it('exits at once on a second signal, even with a request still in flight', async () => {
    const { server, request } = await serverWithAcceptanceInFlight();

    server.child.kill('SIGTERM');
    await until(() => server.log().includes('stopping'), 'the stop log line');
    server.child.kill('SIGINT');
    assert.deepEqual(await server.exited, { code: 1, signal: null });
    assert.match(server.log(), /second signal: exiting at once signal=SIGINT/);
    assert.doesNotMatch(await request.response(), /^HTTP/);
  });
});
