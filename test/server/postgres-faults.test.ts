import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import pg from 'pg';
import { projectRoot } from '../../app/paths';
import { runCli, tempDir } from '../helpers';
import { notRun } from '../postgres/database';
import { TestBrowser } from '../sim/browser';
import { accessRequest, ask, integer, ipv4, text, userPassword } from '../sim/radius-client';
import { startWifiDog } from '../sim/wifidog';
import { acceptFormFor, routerAddress, startServerProcess, type ServerProcess } from './server-process';

/*
 * Faults on PostgreSQL, with real server processes under load: the database crashes and comes back, and one
 * of two instances is killed. Each test has a cluster of its own (test/postgres/cluster.sh), so that stopping
 * it disturbs no other test; it keeps what it acknowledged (synchronous_commit on), as a real one does.
 */

const cluster = path.join(projectRoot, 'test/postgres/cluster.sh');
const radiusSecret = 'faults-radius-secret-0123456789';
/** No request may take longer than this, database or not. */
const boundMs = 10_000;

function startCluster(): { url: string; dir: string } {
  const printed = execFileSync('bash', [cluster], { encoding: 'utf8', env: { ...process.env, PORTICO_PG_DURABLE: '1' } });
  const value = (name: string) => new RegExp(`export ${name}='([^']+)'`).exec(printed)![1];
  return { url: value('PORTICO_TEST_POSTGRES'), dir: value('PORTICO_TEST_POSTGRES_DIR') };
}
const clusterCommand = (command: 'crash' | 'restart' | 'stop', dir: string) =>
  execFileSync('bash', [cluster, command, dir], { encoding: 'utf8', env: { ...process.env, PORTICO_PG_DURABLE: '1' } });

const macFor = (n: number) => `02:00:00:01:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`;
const ipFor = (block: number, n: number) => `10.${block}.${n >> 8}.${n & 255}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome { status: number | 'no connection'; ms: number; n: number }

/** POSTs an accept form; the status (307: accepted and handed to pfSense), or no connection at all. */
async function accept(server: ServerProcess, form: string, n: number): Promise<Outcome> {
  const started = Date.now();
  try {
    const response = await fetch(new URL('accept', server.url), {
      method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual', signal: AbortSignal.timeout(boundMs + 5000),
    });
    await response.arrayBuffer();
    return { status: response.status, ms: Date.now() - started, n };
  } catch {
    return { status: 'no connection', ms: Date.now() - started, n };
  }
}

async function storedMacs(url: string): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return new Set((await client.query<{ client_mac: string }>('SELECT client_mac FROM acceptances')).rows.map((row) => row.client_mac));
  } finally {
    await client.end();
  }
}

async function until(check: () => Promise<boolean>, withinMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    assert.ok(Date.now() - start < withinMs, `${what} not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const healthz = async (server: ServerProcess) => {
  try {
    return (await fetch(new URL('healthz', server.url), { signal: AbortSignal.timeout(boundMs) })).status;
  } catch (error) {
    throw new Error(`/healthz: ${(error as Error).message}; the server's log ends:\n${server.log().slice(-3000)}`, { cause: error });
  }
};

async function registerRouters(dataDir: string, url: string): Promise<void> {
  for (const argv of [
    ['gateway', 'add', '--type', 'pfsense', '--id', 'cafe', '--address', routerAddress, '--mode', 'radius', '--radius-secret', radiusSecret],
    ['gateway', 'add', '--type', 'wifidog', '--id', 'bar'],
  ]) {
    const added = await runCli(argv, { dataDir, publicUrl: 'http://127.0.0.1/', env: { DATABASE_URL: url } });
    assert.equal(added.code, 0, added.err);
  }
}

/** 8 guests at a time, each tapping Accept once, through `pick(n)`'s instance; `during(outcomes)` after each answer. */
async function crowd(forms: string[], pick: (n: number) => ServerProcess, during: (outcomes: Outcome[]) => Promise<void> | void): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < forms.length) {
      const n = next++;
      outcomes.push(await accept(pick(n), forms[n], n));
      await during(outcomes);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return outcomes;
}

if (notRun) test('Portico on PostgreSQL through faults', { skip: notRun }, () => {});
else describe('Portico on PostgreSQL through faults', () => {
  const clusters: string[] = [];
  const servers: ServerProcess[] = [];
  const folders: string[] = [];
  const folder = () => {
    const made = tempDir();
    folders.push(made);
    return made;
  };
  after(async () => {
    for (const server of servers) server.child.kill('SIGKILL');
    await Promise.all(servers.map((server) => server.exited));
    for (const dir of clusters) clusterCommand('stop', dir);
    for (const made of folders) fs.rmSync(made, { recursive: true, force: true });
  });

  describe('when PostgreSQL crashes under load and comes back', () => {
    let db: { url: string; dir: string };
    let server: ServerProcess;
    before(async () => {
      db = startCluster();
      clusters.push(db.dir);
      await registerRouters(folder(), db.url);
      server = await startServerProcess(folder(), { DATABASE_URL: db.url, RADIUS_HOST: '127.0.0.1' });
      servers.push(server);
    });

    it('answers 503 quickly while it is away, keeps routers\' guests online, recovers by itself and loses no answered acceptance', async () => {
      const guests = 240;
      const forms: string[] = [];
      for (let n = 0; n < guests; n++) forms.push(await acceptFormFor(server, macFor(n), ipFor(2, n)));

      // A WiFiDog guest online and a pfSense guest whose RADIUS login is still to come, before the crash.
      const wifidogGuest = { ip: '10.99.0.9', mac: '02:00:00:00:99:09' };
      const router = await startWifiDog({ gatewayId: 'bar', authServer: server.url, clientIp: wifidogGuest.ip, clientMac: wifidogGuest.mac });
      const browser = new TestBrowser();
      const terms = await browser.request('GET', `${router.url}news`, undefined, new Set([new URL(server.url).host, new URL(router.url).host]));
      const sentOn = await browser.submit(terms, 'form.accept', terms.document.querySelector('form.accept button'), new Set([new URL(server.url).host]));
      const token = new URL(sentOn.url).searchParams.get('token')!;
      assert.equal(await router.authRequest('login', { ...wifidogGuest, token, incoming: 0, outgoing: 0 }), 1);
      const radiusGuest = new URLSearchParams(forms[guests - 1]);
      const login = accessRequest({
        secret: radiusSecret,
        attributes: [integer(6, 1), text(1, radiusGuest.get('auth_user')!), userPassword(radiusGuest.get('auth_pass')!), ipv4(4, '10.0.0.1'), text(32, 'cafe'),
          text(31, macFor(guests - 1)), integer(61, 15), ipv4(8, ipFor(2, guests - 1))],
      });
      const radiusPort = Number(/radius listening port=auth address=127\.0\.0\.1:(\d+)/.exec(server.log())![1]);

      type Phase = 'before' | 'down' | 'back';
      let phase = 'before' as Phase;
      const phases = new Map<Outcome, Phase>();
      const outcomes = await crowd(forms.slice(0, guests - 1), () => server, async (sofar) => {
        phases.set(sofar[sofar.length - 1], phase);
        // Guests keep coming while it is away, but not so fast that none are left for when it is back.
        if (phase === 'down') await sleep(500);
        if (phase !== 'before' || sofar.filter((o) => o.status === 307).length < 60) return;
        phase = 'down';
        clusterCommand('crash', db.dir);
        // While it is away: the health check, a router's counters and a RADIUS login, each answered (or not) quickly.
        const checkStarted = Date.now();
        assert.equal(await healthz(server), 503);
        assert.ok(Date.now() - checkStarted < 3000, `/healthz took ${Date.now() - checkStarted} ms`);
        assert.equal(await router.authRequest('counters', { ...wifidogGuest, token, incoming: 4096, outgoing: 1024 }), -1,
          'no "Auth: 0" while the database is away: the router keeps its guests online');
        assert.equal(await ask(radiusPort, login, radiusSecret, { timeoutMs: 1500, tries: 1 }), null, 'no RADIUS answer while the database is away');
        await sleep(1000);
        clusterCommand('restart', db.dir);
        await until(async () => (await healthz(server)) === 200, 15_000, '/healthz 200 after the restart');
        phase = 'back';
      });
      await router.close();

      const statuses = new Set(outcomes.map((o) => o.status));
      assert.deepEqual([...statuses].filter((s) => s !== 307 && s !== 503), [], `only accepted or 503: ${[...statuses].join(', ')}`);
      assert.ok(outcomes.every((o) => o.ms < boundMs), `every answer within ${boundMs} ms (slowest ${Math.max(...outcomes.map((o) => o.ms))} ms)`);
      assert.ok(outcomes.some((o) => phases.get(o) === 'down' && o.status === 503), 'some guests came while it was away and got the 503 page');
      assert.ok(outcomes.some((o) => phases.get(o) === 'back' && o.status === 307), 'guests are accepted again once it is back');
      assert.equal(phase, 'back');

      // Everything answered as accepted is in the database, and the same RADIUS login is answered now.
      const stored = await storedMacs(db.url);
      assert.deepEqual(outcomes.filter((o) => o.status === 307 && !stored.has(macFor(o.n))).map((o) => o.n), [], 'answered acceptances lost');
      const accepted = await fetch(new URL('accept', server.url), { method: 'POST', body: forms[guests - 1], headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      assert.equal(accepted.status, 307);
      assert.equal((await ask(radiusPort, login, radiusSecret, { timeoutMs: 2000 }))?.code, 2, 'the retransmission is answered once the database is back');
      assert.match(server.log(), /request refused: the database is unavailable/);
      assert.doesNotMatch(server.log(), /request failed|"level":"error"|\blevel=error/);
    });
  });

  describe('when one of two instances is killed under load', () => {
    it('loses no acceptance either instance answered, and the other carries on', async () => {
      const db = startCluster();
      clusters.push(db.dir);
      await registerRouters(folder(), db.url);
      const [first, second] = await Promise.all([startServerProcess(folder(), { DATABASE_URL: db.url }), startServerProcess(folder(), { DATABASE_URL: db.url })]);
      servers.push(first, second);
      const guests = 200;
      const forms: string[] = [];
      for (let n = 0; n < guests; n++) forms.push(await acceptFormFor(n % 2 ? first : second, macFor(n), ipFor(3, n)));

      let killedAt = -1;
      const outcomes = await crowd(forms, (n) => (n % 2 ? first : second), (sofar) => {
        if (killedAt < 0 && sofar.filter((o) => o.status === 307).length >= 50) {
          killedAt = sofar.length;
          first.child.kill('SIGKILL');
        }
      });
      assert.ok(killedAt > 0, 'the kill came mid-way');
      assert.equal((await first.exited).signal, 'SIGKILL');
      const afterKill = outcomes.slice(killedAt);
      assert.ok(afterKill.some((o) => o.n % 2 === 0 && o.status === 307), 'the other instance went on accepting');
      assert.deepEqual(afterKill.filter((o) => o.n % 2 === 0 && o.status !== 307).map((o) => o.status), [], 'the other instance refused nobody');

      const stored = await storedMacs(db.url);
      assert.deepEqual(outcomes.filter((o) => o.status === 307 && !stored.has(macFor(o.n))).map((o) => o.n), [], 'answered acceptances lost');
      assert.equal(await healthz(second), 200);
    });
  });
});
