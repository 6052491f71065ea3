import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../app/config';
import { createHttpServer } from '../app/http-server';
import { tempDir, testPortal, type TestPortal } from './helpers';
import { captureLog } from './log-capture';

/** A raw connection to the server, with what it received and whether the server has closed it. */
function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  const state = { received: '', closed: false };
  const closed = new Promise<void>((resolve) => socket.on('close', () => { state.closed = true; resolve(); }));
  socket.setEncoding('latin1').on('data', (chunk: string) => { state.received += chunk; });
  socket.on('error', () => {});
  const opened = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, state, closed, opened };
}

const healthz = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

describe('HTTP server: connections one address may hold', () => {
  let portal: TestPortal;
  let server: ReturnType<typeof createHttpServer>;
  let port: number;
  const cap = 5;

  before(async () => {
    portal = await testPortal();
    const config = loadConfig({ CONNECTIONS_PER_ADDRESS: String(cap) });
    // Timeouts far below the defaults, so that a slowloris is seen to be cut off within the test.
    server = createHttpServer({ ...config, connections: { ...config.connections, headersTimeoutMs: 400, requestTimeoutMs: 800, keepAliveTimeoutMs: 400 } }, portal.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await portal.close();
  });

  it('closes connections over the per-address cap at once, logs them in one line, and serves the allowed ones', async () => {
    const allowed = Array.from({ length: cap }, () => connect(port));
    await Promise.all(allowed.map((c) => c.opened));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the server has taken them all
    const { result: extras, lines } = await captureLog(async () => {
      const extras = Array.from({ length: 20 }, () => connect(port));
      await Promise.race([Promise.all(extras.map((c) => c.closed)), new Promise((resolve) => setTimeout(resolve, 2000))]);
      return extras;
    });
    assert.ok(extras.every((c) => c.state.closed && c.state.received === ''), 'every connection over the cap is closed unanswered');
    const warnings = lines.split('\n').filter((line) => line.includes('per-address limit'));
    assert.equal(warnings.length, 1, lines);
    assert.ok(warnings[0].length < 300, warnings[0]);

    // An allowed connection still works, and a closed one frees its place.
    allowed[0].socket.write(healthz);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.match(allowed[0].state.received, /^HTTP\/1\.1 200 /);
    assert.equal(allowed[0].state.closed, false);
    allowed[1].socket.destroy();
    await allowed[1].closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const another = connect(port);
    await another.opened;
    another.socket.write(healthz);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.match(another.state.received, /^HTTP\/1\.1 200 /);
    for (const c of [...allowed, another]) c.socket.destroy();
  });

  it('closes a connection whose headers arrive too slowly, and an idle keep-alive one', async () => {
    await new Promise((resolve) => setTimeout(resolve, 100)); // the previous test's sockets are gone
    const slow = connect(port);
    await slow.opened;
    slow.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const drip = setInterval(() => { if (!slow.state.closed) slow.socket.write('X-A: b\r\n'); }, 100);
    const idle = connect(port);
    await idle.opened;
    idle.socket.write(healthz);
    try {
      await Promise.race([Promise.all([slow.closed, idle.closed]), new Promise((resolve) => setTimeout(resolve, 3000))]);
    } finally {
      clearInterval(drip);
    }
    assert.ok(slow.state.closed, 'the slow connection is closed after the header timeout');
    assert.doesNotMatch(slow.state.received, /^HTTP\/1\.1 200 /);
    assert.match(idle.state.received, /^HTTP\/1\.1 200 /);
    assert.ok(idle.state.closed, 'the idle keep-alive connection is closed');
    slow.socket.destroy();
    idle.socket.destroy();
  });
});

describe('HTTPS server: stalled handshakes and the per-address cap', () => {
  let portal: TestPortal;
  let server: ReturnType<typeof createHttpServer>;
  let port: number;
  const dir = tempDir();

  before(async () => {
    portal = await testPortal();
    const tlsCert = path.join(dir, 'cert.pem');
    const tlsKey = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-keyout', tlsKey, '-out', tlsCert], { stdio: 'ignore' });
    const config = loadConfig({ CONNECTIONS_PER_ADDRESS: '2' });
    server = createHttpServer({ tlsCert, tlsKey, connections: { ...config.connections, headersTimeoutMs: 400, requestTimeoutMs: 800 } }, portal.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await portal.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('closes a connection that never completes its TLS handshake, and refuses one over the cap before any handshake', async () => {
    const stalled = [connect(port), connect(port)];
    await Promise.all(stalled.map((c) => c.opened));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const extra = connect(port);
    await Promise.race([extra.closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
    assert.ok(extra.state.closed && extra.state.received === '', 'the third connection is closed at once');
    await Promise.race([Promise.all(stalled.map((c) => c.closed)), new Promise((resolve) => setTimeout(resolve, 3000))]);
    assert.ok(stalled.every((c) => c.state.closed), 'stalled handshakes are closed after the header timeout');
  });
});

describe('connection limits configuration', () => {
  it('has generous defaults and refuses nonsense', () => {
    assert.deepEqual(loadConfig({}).connections, { perAddress: 500, headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5000 });
    assert.deepEqual(loadConfig({ CONNECTIONS_PER_ADDRESS: '50', HEADERS_TIMEOUT_SECONDS: '5', REQUEST_TIMEOUT_SECONDS: '30' }).connections,
      { perAddress: 50, headersTimeoutMs: 5000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5000 });
    for (const env of [{ CONNECTIONS_PER_ADDRESS: '0' }, { CONNECTIONS_PER_ADDRESS: 'many' }, { HEADERS_TIMEOUT_SECONDS: '0' }, { HEADERS_TIMEOUT_SECONDS: '90', REQUEST_TIMEOUT_SECONDS: '60' }]) {
      assert.throws(() => loadConfig(env), /CONNECTIONS_PER_ADDRESS|HEADERS_TIMEOUT_SECONDS/, JSON.stringify(env));
    }
  });
});
