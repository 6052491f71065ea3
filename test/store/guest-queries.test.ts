import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import type Database from 'better-sqlite3';
import request from 'supertest';
import { testPortal, type TestPortal } from '../helpers';
import type { Store } from '../../app/store/types';
import { rawDatabase } from './raw';
import { termsTexts } from '../../app/content-digests';

/*
 * Every statement a guest or a router can make Portico run must stay cheap however much a hostile guest
 * has stored: indexed, and never sorting an unbounded set of rows. The statements are not listed by
 * hand: the guest and router flows run once with every statement execution recorded, so a statement
 * added to those paths later is checked too.
 */

/** Tables only the venue owner grows (a few venues, routers, releases × languages): scanning them is bounded. */
const ownerSizedTables = new Set(['sites', 'gateways', 'terms_versions']);

interface PlanRow { id: number; parent: number; detail: string }

const keywords = new Set(['where', 'set', 'on', 'join', 'left', 'inner', 'cross', 'order', 'group', 'limit', 'values', 'select', 'using', 'default']);

/** The tables a statement's aliases stand for (plans name a table by its alias). */
function aliasesOf(sql: string): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const [, table, alias] of sql.matchAll(/\b(?:FROM|JOIN|UPDATE|INTO)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?/gi)) {
    aliases.set(table, table);
    if (alias && !keywords.has(alias.toLowerCase())) aliases.set(alias, table);
  }
  return aliases;
}

/** What is wrong with a plan: scans of tables guests grow, and sorts over what guests grow. */
function planProblems(sql: string, plan: PlanRow[]): string[] {
  const aliases = aliasesOf(sql);
  // Subqueries (e.g. the trigger's constant "scope" rows) are checked through their own rows.
  const subqueries = new Set(plan.map((row) => /^(?:CO-ROUTINE|MATERIALIZE) (\w+)/.exec(row.detail)?.[1]).filter(Boolean));
  const boundedName = (name: string) => ownerSizedTables.has(aliases.get(name) ?? name) || subqueries.has(name) || name === 'CONSTANT';
  const names = plan.map((row) => /^(?:SCAN|SEARCH) (\w+)/.exec(row.detail)?.[1]).filter((name): name is string => name !== undefined);
  const ownerSizedOnly = names.every(boundedName);
  const problems: string[] = [];
  for (const { detail } of plan) {
    const scanned = /^SCAN (\w+)/.exec(detail)?.[1];
    if (scanned && !boundedName(scanned)) problems.push(detail);
    if (/TEMP B-TREE/.test(detail) && !ownerSizedOnly) problems.push(detail);
  }
  return problems;
}

type Statement = Database.Statement<unknown[], unknown>;

/** Runs `flows` with every statement execution recorded: its SQL, and the values it was first run with. */
async function recordStatements(db: Database.Database, flows: () => Promise<void>): Promise<Map<string, unknown[]>> {
  const seen = new Map<string, unknown[]>();
  const prototype = Object.getPrototypeOf(db.prepare('SELECT 1')) as Record<string, (...args: unknown[]) => unknown>;
  const originals = Object.fromEntries(['run', 'get', 'all', 'iterate'].map((name) => [name, prototype[name]]));
  for (const [name, original] of Object.entries(originals)) {
    prototype[name] = function (this: Statement, ...args: unknown[]) {
      if (!seen.has(this.source)) seen.set(this.source, args);
      return original.apply(this, args);
    };
  }
  try {
    await flows();
  } finally {
    Object.assign(prototype, originals);
  }
  return seen;
}

/** The statements of every trigger, with NEW.x and OLD.x as parameters (EXPLAIN QUERY PLAN shows no trigger's plan). */
function explain(db: Database.Database, sql: string, args: unknown[]): PlanRow[] {
  return db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as PlanRow[];
}

describe('guest and router statements are indexed and bounded', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await testPortal({ TRUST_PROXY: 'loopback' });
    await portal.store.updateSite(portal.site.id, { rememberDays: 30 });
    await portal.store.addGateway({ id: 'lobby', siteId: portal.site.id, type: 'pfsense', name: 'Lobby', settings: {} }, portal.clock());
    await portal.store.addGateway({ id: 'bar', siteId: portal.site.id, type: 'wifidog', name: 'Bar', settings: { checkIntervalSeconds: 60, routerAddress: '127.0.0.1' } }, portal.clock());
  });
  after(() => portal.close());

  /** Every guest and router path, as a guest's browser and the two router types call them. */
  async function guestAndRouterFlows(): Promise<void> {
    const app = request(portal.app);
    const stateOf = (html: string) => /name="state" value="([^"]+)"/.exec(html)![1];
    const guest = (ip: string) => app.get('/api/captive-portal').set('X-Forwarded-For', ip).expect(200);

    const preview = await app.get('/preview').expect(200);
    await app.post('/accept').type('form').send({ state: stateOf(preview.text), accept: 'Accept' }).expect(200);

    const action = 'http://192.168.1.1:8002/index.php?zone=guest';
    const redirurl = `http://portal.test/online/${portal.site.id}`;
    const entry = await app.get('/pfsense/lobby').query({ zone: 'guest', portal_action: action, client_mac: '02:00:00:00:00:01', client_ip: '192.168.1.50', redirurl: 'http://x/' }).expect(200);
    const pfForm = { state: stateOf(entry.text), accept: 'Accept', zone: 'guest', redirurl };
    await app.post('/accept').type('form').send(pfForm).expect(307);
    await app.post('/accept').type('form').send(pfForm).expect(307);
    await guest('192.168.1.50');
    await app.get(`/online/${portal.site.id}`).expect(200);

    const mac = '02:00:00:00:00:02';
    const login = { gw_address: '10.99.0.1', gw_port: '2060', gw_id: 'bar', ip: '10.99.0.2', mac, url: 'http://x/' };
    const terms = await app.get('/wifidog/login/').query(login).expect(200);
    const accepted = await app.post('/accept').type('form').send({ state: stateOf(terms.text), accept: 'Accept' }).expect(303);
    const token = new URL(accepted.headers.location).searchParams.get('token')!;
    const auth = (stage: string, t = token) => app.get('/wifidog/auth/').query({ stage, ip: '10.99.0.2', mac, token: t, incoming: '10', outgoing: '20', gw_id: 'bar' });
    await auth('login').expect(200);
    await auth('counters').expect(200);
    await guest('10.99.0.2');
    await app.get('/portal').set('X-Forwarded-For', '10.99.0.2').expect(200);
    await app.get('/wifidog/portal/').query({ gw_id: 'bar', token }).expect(200);
    await app.get('/wifidog/ping/').query({ gw_id: 'bar', sys_uptime: '100', sys_memfree: '1000', sys_load: '0.1', wifidog_uptime: '90' }).expect(200);
    await auth('logout').expect(200);
    // A returning device within the remember period, then the end of its session by the session length.
    const returning = await app.get('/wifidog/login/').query(login).expect(302);
    const again = new URL(returning.headers.location).searchParams.get('token')!;
    await auth('login', again).expect(200);
    portal.clock.advance(portal.site.sessionMinutes * 60_000);
    await auth('counters', again).expect(200);
    await app.get('/healthz').expect(200);
  }

  it('reads no guest-grown table whole and sorts none of it, in any statement', async () => {
    const statements = await recordStatements(rawDatabase(portal.store), guestAndRouterFlows);
    assert.ok(statements.size >= 15, `the flows ran ${statements.size} statements`);
    const problems: string[] = [];
    for (const [sql, args] of statements) {
      if (/^\s*PRAGMA/i.test(sql)) continue;
      for (const problem of planProblems(sql, explain(rawDatabase(portal.store), sql, args))) problems.push(`${problem}\n  in ${sql.trim()}`);
    }
    // What triggers did (roll-ups, replacing silent sessions) the store now does in statements of its own, checked above.
    const triggers = rawDatabase(portal.store).prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all();
    assert.deepEqual(triggers, [], 'no triggers: the store\'s statements hold that behaviour');
    for (const table of ['acceptance_hours', 'acceptance_breakdowns', 'device_days', 'device_day_counts']) {
      assert.ok([...statements.keys()].some((sql) => new RegExp(`INSERT (OR IGNORE )?INTO ${table}\\s`).test(sql)), `the flows roll up into ${table}`);
    }
    assert.ok([...statements.keys()].some((sql) => sql.includes("end_reason = 'replaced'")), 'the flows replace silent sessions');
    assert.deepEqual(problems, []);
  });

  it('flags a full scan and a sort over a guest-grown table (the check itself)', () => {
    const problems = (sql: string, ...args: unknown[]) => planProblems(sql, explain(rawDatabase(portal.store), sql, args));
    assert.notDeepEqual(problems('SELECT * FROM acceptances a WHERE a.user_agent = ?', 'x'), []);
    assert.notDeepEqual(problems('SELECT * FROM guest_sessions WHERE client_ip = ? ORDER BY bytes_in', 'x'), []);
    assert.notDeepEqual(problems('SELECT t.* FROM terms_versions t JOIN acceptances a ON a.terms_version_id = t.id ORDER BY a.user_agent'), []);
    assert.deepEqual(problems('SELECT * FROM acceptances WHERE id = ?', 1), []);
    assert.deepEqual(problems('SELECT * FROM sites s ORDER BY s.name'), [], 'the owner\'s own few rows');
  });
});

/** Milliseconds a call takes: the median of five runs of enough calls to fill 20 ms (or one slow call). */
async function msPerCall(call: () => Promise<unknown>): Promise<number> {
  const runs: number[] = [];
  for (let run = 0; run < 5; run++) {
    let calls = 0;
    const start = performance.now();
    while (performance.now() - start < 20 && calls < 2000) { await call(); calls++; }
    runs.push((performance.now() - start) / calls);
  }
  return runs.sort((a, b) => a - b)[2];
}

describe('what one address piles up does not slow the questions asked about it', () => {
  let portal: TestPortal;
  const piled = '10.0.0.66';
  const fresh = '10.0.0.77';
  before(async () => {
    portal = await testPortal({ TRUST_PROXY: 'loopback' });
    const db = rawDatabase(portal.store);
    const terms = (await portal.store.currentTerms(portal.site.id))!;
    await portal.store.addGateway({ id: 'bar', siteId: portal.site.id, type: 'wifidog', name: 'Bar', settings: {} }, portal.clock());
    const acceptance = db.prepare(`INSERT INTO acceptances (accepted_at, local_day, local_hour, local_weekday, site_id, gateway_id, terms_version_id,
      client_ip, language, handoff) VALUES (?, '2026-11-27', 12, 5, ?, 'bar', ?, ?, 'en', 'wifidog')`);
    const session = db.prepare(`INSERT INTO guest_sessions (acceptance_id, site_id, gateway_id, session_key, client_mac, client_ip, start_by,
      started_at, ended_at, report_due_at) VALUES (?, ?, 'bar', ?, ?, ?, ?, ?, ?, ?)`);
    const now = portal.clock();
    // 3,000 replayed acceptances, each with its session, half of them not ended (one MAC each: none replaces
    // another), and of those only the oldest still reported by its router.
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) {
        const id = acceptance.run(now - i, portal.site.id, terms.id, piled).lastInsertRowid;
        session.run(id, portal.site.id, `piled${i}`, `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, piled,
          now + 60_000, now - i, i % 2 ? now - i : null, i === 2998 ? now + 180_000 : now - i - 1);
      }
      const id = acceptance.run(now, portal.site.id, terms.id, fresh).lastInsertRowid;
      session.run(id, portal.site.id, 'fresh', '02:00:00:01:00:00', fresh, now + 60_000, now, now, now + 180_000);
      // One device's 3,000 acceptances of this release, and another's one, asked about after a new release.
      const deviceAcceptance = db.prepare(`INSERT INTO acceptances (accepted_at, local_day, local_hour, local_weekday, site_id, gateway_id,
        terms_version_id, device_id, language, handoff) VALUES (?, '2026-11-27', 12, 5, ?, 'bar', ?, ?, 'en', 'wifidog')`);
      for (let i = 0; i < 3000; i++) deviceAcceptance.run(now - i, portal.site.id, terms.id, 'piled-device');
      deviceAcceptance.run(now, portal.site.id, terms.id, 'fresh-device');
    })();
    await portal.store.publishTerms(portal.site.id, termsTexts([{ language: 'en', body: 'Release two' }]), portal.clock());
  });
  after(() => portal.close());

  const questions: [string, (store: Store, siteId: number, ip: string, now: number) => Promise<unknown>][] = [
    ['the live session of an address', (store, siteId, ip, now) => store.liveSessionStartByIp(siteId, ip, now)],
    ['the last acceptance without a session', (store, siteId, ip, now) => store.lastUnreportedAcceptanceByIp(siteId, ip, now - 4 * 3600_000)],
  ];
  const remembered = (store: Store, siteId: number, device: string, now: number) => store.rememberedAcceptance(siteId, device, 2, now - 30 * 86_400_000);
  for (const [question, ask, [few, many]] of [
    ...questions.map(([question, ask]) => [question, ask, [fresh, piled]] as const),
    ['a returning device\'s acceptance of a new release', remembered, ['fresh-device', 'piled-device']] as const,
  ]) {
    it(`answers ${question} for 3,000 acceptances about as fast as for one`, async () => {
      const { store, site } = portal;
      const now = portal.clock();
      const baseline = await msPerCall(() => ask(store, site.id, few, now));
      const loaded = await msPerCall(() => ask(store, site.id, many, now));
      assert.ok(loaded < 5 * baseline, `${loaded.toFixed(4)} ms a call against ${baseline.toFixed(4)} ms`);
    });
  }

  it('answers the captive portal API for that address about as fast as for another, once all its sessions ended', async () => {
    const ask = (ip: string) => request(portal.app).get('/api/captive-portal').set('X-Forwarded-For', ip);
    assert.equal(JSON.parse((await ask(piled)).text).captive, false);
    rawDatabase(portal.store).prepare('UPDATE guest_sessions SET ended_at = ? WHERE ended_at IS NULL').run(portal.clock());
    assert.equal(JSON.parse((await ask(piled)).text).captive, true);
    const baseline = await msPerCall(() => ask(fresh));
    const loaded = await msPerCall(() => ask(piled));
    assert.ok(loaded < 3 * baseline, `${loaded.toFixed(3)} ms a request against ${baseline.toFixed(3)} ms`);
  });
});
