import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { projectRoot } from '../../app/paths';
import { runCli, tempDir } from '../helpers';
import { freePort, startServerProcess, type ServerProcess } from '../server/server-process';

const nginxBinary = '/usr/sbin/nginx';
const password = 'a long enough password for the test';
/** The address the test's client speaks from: nginx sees it, and Portico must see it through nginx. */
const clientAddress = '127.0.0.2';
const forged = '203.0.113.9';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(target, {
      method: options.method ?? 'GET',
      headers: { 'X-Forwarded-For': forged, ...options.headers },
      localAddress: clientAddress,
      rejectUnauthorized: false, // the test's own self-signed certificate
      agent: false,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; }).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const cookies = (answer: Answer) => answer.headers['set-cookie'] ?? [];
const cookieNamed = (answer: Answer, name: string) => cookies(answer).find((cookie) => cookie.startsWith(`${name}=`));

/** The shipped deploy/nginx.conf with only its ports, upstream and certificate paths replaced. */
function siteConfig(ports: { http: number; https: number; portico: number }, cert: string, key: string): string {
  let text = fs.readFileSync(path.join(projectRoot, 'deploy/nginx.conf'), 'utf8');
  const replace = (from: string, to: string) => {
    assert.equal(text.split(from).length, 2, `deploy/nginx.conf has "${from}" once`);
    text = text.replace(from, to);
  };
  replace('listen 443 ssl;', `listen 127.0.0.1:${ports.https} ssl;`);
  replace('listen 80;', `listen 127.0.0.1:${ports.http};`);
  replace('server 127.0.0.1:8080;', `server 127.0.0.1:${ports.portico};`);
  replace('/etc/letsencrypt/live/portal.example/fullchain.pem', cert);
  replace('/etc/letsencrypt/live/portal.example/privkey.pem', key);
  return text;
}

describe('behind nginx with deploy/nginx.conf (TLS terminated by nginx, TRUST_PROXY=loopback)', () => {
  let portico: ServerProcess;
  let nginx: ChildProcess;
  let nginxLog = '';
  let secure: string;
  let plain: string;

  before(async () => {
    assert.ok(fs.existsSync(nginxBinary), `${nginxBinary} is missing: install Debian's nginx (.ci/run does)`);
    const dir = tempDir();
    const [cert, key] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { encoding: 'utf8' });
    assert.equal(made.status, 0, `openssl: ${made.error?.message ?? made.stderr}`);

    const ports = { http: await freePort(), https: await freePort(), portico: 0 };
    secure = `https://localhost:${ports.https}/`;
    plain = `http://localhost:${ports.http}/`;
    const dataDir = path.join(dir, 'data');
    const added = await runCli(['admin', 'add', 'owner', '--password-stdin'], { dataDir, publicUrl: secure, stdin: `${password}\n` });
    assert.equal(added.code, 0, added.err);
    portico = await startServerProcess(dataDir, { TRUST_PROXY: 'loopback', PUBLIC_URL: secure });
    ports.portico = Number(new URL(portico.url).port);

    fs.writeFileSync(path.join(dir, 'portico.conf'), siteConfig(ports, cert, key));
    const temp = (name: string) => `${name}_temp_path ${path.join(dir, name)};`;
    fs.writeFileSync(path.join(dir, 'nginx.conf'), [
      'daemon off;',
      'worker_processes 1;',
      process.getuid?.() === 0 ? 'user root;' : '',
      `pid ${path.join(dir, 'nginx.pid')};`,
      `error_log ${path.join(dir, 'error.log')} warn;`,
      'events { worker_connections 64; }',
      `http { access_log ${path.join(dir, 'access.log')}; ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join(' ')}`,
      `  include ${path.join(dir, 'portico.conf')}; }`,
    ].join('\n'));
    nginx = spawn(nginxBinary, ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stderr!.setEncoding('utf8').on('data', (text: string) => { nginxLog += text; });
    // Ready once it answers on both ports.
    for (let tries = 0; ; tries++) {
      if (nginx.exitCode !== null) throw new Error(`nginx exited with ${nginx.exitCode}: ${nginxLog}${fs.readFileSync(path.join(dir, 'error.log'), 'utf8')}`);
      try {
        await request(`${secure}healthz`);
        await request(`${plain}healthz`);
        break;
      } catch (error) {
        if (tries > 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  });

  after(async () => {
    for (const child of [nginx, portico?.child]) {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }
  });

  it('signs the admin in over HTTPS with Secure cookies, and Portico sees the address nginx saw, not a forged header', async () => {
    const login = await request(`${secure}admin/login`);
    assert.equal(login.status, 200);
    assert.match(login.headers['strict-transport-security'] ?? '', /max-age=\d+/);
    const form = cookieNamed(login, 'portico_form');
    assert.match(form ?? '', /; Secure/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.body)![1];

    const signedIn = await request(`${secure}admin/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: form!.split(';')[0] },
      body: new URLSearchParams({ _csrf: csrf, username: 'owner', password }).toString(),
    });
    assert.equal(signedIn.status, 303, signedIn.body.slice(0, 300));
    const session = cookieNamed(signedIn, 'portico_admin');
    assert.match(session ?? '', /; HttpOnly/);
    assert.match(session ?? '', /; Secure/, 'express-session sets the Secure cookie only when X-Forwarded-Proto says https');

    const dashboard = await request(`${secure}admin/venues/1/dashboard`, { headers: { Cookie: session!.split(';')[0] } });
    assert.equal(dashboard.status, 200, String(dashboard.headers.location));
    assert.match(dashboard.body, /owner/);
    const signInLine = portico.log().split('\n').find((line) => line.includes('admin signed in'));
    assert.match(signInLine ?? '', new RegExp(`ip=${clientAddress.replaceAll('.', '\\.')}( |$)`));
    assert.ok(!portico.log().includes(forged), 'the client\'s own X-Forwarded-For never reaches Portico');
  });

  it('serves guest pages over plain HTTP without HSTS or an upgrade of their requests, and the same page over HTTPS with both', async () => {
    const page = await request(`${plain}preview`);
    assert.equal(page.status, 200);
    assert.match(page.body, /Accept/);
    assert.equal(page.headers['strict-transport-security'], undefined);
    const policy = page.headers['content-security-policy'];
    assert.match(String(policy), /default-src 'self'/);
    assert.doesNotMatch(String(policy), /upgrade-insecure-requests/);

    const overTls = await request(`${secure}preview`);
    assert.equal(overTls.status, 200);
    assert.match(overTls.headers['strict-transport-security'] ?? '', /max-age=\d+/);
    assert.match(String(overTls.headers['content-security-policy']), /upgrade-insecure-requests/);
  });

  it('sends the admin from plain HTTP to HTTPS before any password is typed', async () => {
    const answer = await request(`${plain}admin/login`);
    assert.equal(answer.status, 301);
    assert.match(answer.headers.location ?? '', /^https:\/\/localhost(:\d+)?\/admin\/login$/);
  });
});
