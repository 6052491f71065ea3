import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { projectRoot } from '../app/paths';
import { tempDir } from './helpers';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function get(port: number, ca: Buffer, pathname: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    https.get({ host: '127.0.0.1', port, path: pathname, ca, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    }).on('error', reject);
  });
}

describe('HTTPS served by Portico itself (TLS_CERT, TLS_KEY)', () => {
  const dir = tempDir();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves the captive-portal API and the guest page over TLS with a certificate the client checks', { timeout: 30_000 }, async () => {
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const port = await freePort();
    const server = spawn(process.execPath, [path.join(projectRoot, 'dist/app/server.js')], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: path.join(dir, 'data'), TLS_CERT: cert, TLS_KEY: key, LOG_LEVEL: 'warn', RADIUS_PORT: '0', RADIUS_ACCT_PORT: '0' },
      stdio: 'ignore',
    });
    try {
      const ca = fs.readFileSync(cert);
      let api;
      for (let attempt = 0; ; attempt++) {
        try {
          api = await get(port, ca, '/api/captive-portal', { Accept: 'application/captive+json' });
          break;
        } catch (error) {
          if (attempt > 100) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      assert.equal(api.headers['content-type'], 'application/captive+json');
      const body = JSON.parse(api.body);
      assert.equal(body.captive, true);
      assert.equal(body['user-portal-url'], `https://localhost:${port}/portal`);
      const preview = await get(port, ca, '/preview');
      assert.equal(preview.status, 200);
      assert.match(String(preview.headers['strict-transport-security']), /max-age/);
    } finally {
      server.kill('SIGTERM');
    }
  });
});
