/*
 * `npm run bench`: Portico as shipped against a bare node:http server and a minimal Express 5 app
 * serving the same bytes, on loopback, interleaved over several rounds; then its RADIUS server against
 * FreeRADIUS (bench/radius.ts, when freeradius is installed); then the dashboard and `stats --json`
 * over 1 and 10 million acceptances. Ends with a verdict per target of issues 7 and 15.
 * `-- --store postgres [--instances N]` runs the guests' scenarios on SQLite and, in the same rounds, on
 * PostgreSQL (bench/postgres.ts) with one and N instances, and the history on PostgreSQL (issue 18).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../app/config';
import { purgeExpiredPersonalData } from '../app/privacy';
import { openStore } from '../app/store/open';
import { addAdmin, nodeStartMs, signIn, timeDashboard, timeStatsCommand, type Timing } from './admin';
import {
  freshWifidogTokens, newGuest, pendingPfsenseAccepts, pfsenseEntryPath, pfsenseGatewayId, wifidogAuthPath, wifidogGatewayId,
  wifidogLoginPath, wifidogPingPath, type PendingAccept, type WifidogLogin,
} from './guests';
import { request } from './http-client';
import { runLoad, runSpread, type Load } from './load';
import { parseBenchOptions, type BenchOptions } from './options';
import { startBenchCluster, type BenchCluster, type DatabaseMonitor } from './postgres';
import { cpuSecondsOf, memoryOf, portico, resetPeakMemory, startPortico, startReference, type ServerProcess } from './processes';
import { defaultRadiusOptions, radiusPhase, radiusReport, type RadiusSection } from './radius';
import { loadTable, summarize, verdictLines, withRound, type ScenarioFigures, type Verdict } from './report';
import { seedDemoData } from './seed';
import { rawDatabase } from '../test/store/raw';

const say = (text: string) => process.stderr.write(`${text}\n`);

/** Headers that belong to one connection or one answer, not to the page. */
const perAnswerHeaders = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'etag']);

/**
 * One installation the guests' scenarios run on: SQLite (the default, its scenarios named as in every run),
 * or PostgreSQL with one or more instances on one database, its database's work counted.
 */
interface Installation {
  /** Appended to each scenario's name. */
  label: string;
  dataDir: string;
  /** The store's settings beyond DATA_DIR: DATABASE_URL for PostgreSQL. */
  env: Record<string, string>;
  instances: number;
  database?: DatabaseMonitor;
}

/** Registers the bench's routers through the command line, as an owner would; WiFiDog only if this build has it. */
async function registerGateways({ dataDir, env }: Pick<Installation, 'dataDir' | 'env'>): Promise<{ wifidog: boolean; wifidogReason: string }> {
  const pf = await portico(dataDir, ['gateway', 'add', '--type', 'pfsense', '--id', pfsenseGatewayId], undefined, env);
  if (pf.code !== 0) throw new Error(`gateway add pfsense failed: ${pf.stderr}`);
  const wd = await portico(dataDir, ['gateway', 'add', '--type', 'wifidog', '--id', wifidogGatewayId], undefined, env);
  return { wifidog: wd.code === 0, wifidogReason: wd.stderr.trim().split('\n')[0] };
}

/** Portico's terms page as a phone fetches it (compressed when Portico compresses), recorded for the reference servers. */
async function recordTermsPage(baseUrl: string, file: string): Promise<{ bytes: number; encoding: string }> {
  const answer = await request(new URL(pfsenseEntryPath(newGuest()).slice(1), baseUrl).href, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
  if (answer.status !== 200) throw new Error(`terms page answered ${answer.status}`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (!perAnswerHeaders.has(name) && typeof value === 'string') headers[name] = value;
  }
  fs.writeFileSync(file, JSON.stringify({ status: answer.status, headers, bodyBase64: answer.body.toString('base64') }));
  return { bytes: answer.body.length, encoding: headers['content-encoding'] ?? 'none' };
}

interface LoadScenario {
  figures: ScenarioFigures;
  /** The instances that answer it; null when it cannot run in this build. */
  servers: ServerProcess[] | null;
  database?: DatabaseMonitor;
  /** Untimed preparation (rendered pages, fresh tokens), then the load itself. */
  load?: () => Promise<Load>;
  after?: () => void;
}

async function measure(scenario: LoadScenario): Promise<void> {
  if (!scenario.servers || !scenario.load) return;
  const load = await scenario.load();
  const { figures } = scenario;
  const portico = figures.server === 'portico';
  const pids = scenario.servers.map((s) => s.pid);
  const resettable = portico && pids.map(resetPeakMemory).every(Boolean);
  const cpuOfServers = () => pids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
  await scenario.database?.start();
  const cpuBefore = cpuOfServers();
  const result = await runSpread(load, scenario.servers.map((s) => s.url));
  const cpu = cpuOfServers() - cpuBefore;
  const work = await scenario.database?.stop();
  const earlier = figures.rounds.reduce((sum, r) => sum + r.requests, 0);
  figures.cpuMicrosPerRequest = withRound(figures.cpuMicrosPerRequest, earlier, cpu * 1e6, result.requests);
  if (work) {
    figures.database = {
      cpuMicrosPerRequest: withRound(figures.database?.cpuMicrosPerRequest, earlier, work.cpuSeconds * 1e6, result.requests),
      roundTripsPerRequest: withRound(figures.database?.roundTripsPerRequest, earlier, work.roundTrips, result.requests),
    };
  }
  figures.rounds.push(result);
  scenario.after?.();
  if (portico) {
    for (const pid of pids) {
      const { peakMb, rssMb } = memoryOf(pid);
      figures.peakMb = Math.max(figures.peakMb ?? 0, resettable ? peakMb : rssMb);
    }
  }
  const database = work ? `, database ${(work.roundTrips / result.requests).toFixed(2)} round trips/request` : '';
  say(`  ${figures.name}: ${result.rps.toFixed(0)} rps, p99 ${result.p99} ms${database}${result.failures ? `, ${result.failures} failed` : ''}`);
}

const gzip = { 'accept-encoding': 'gzip, deflate, br', 'user-agent': 'CaptiveNetworkSupport-481 wispr' };
const form = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)' };
const figuresOf = (name: string, kind: 'reference' | 'portico', missing?: string): ScenarioFigures => ({ name, server: kind, rounds: [], cpuMicrosPerRequest: null, peakMb: null, missing });
const termsLoad = (options: BenchOptions, url: string, pathOf: () => string, seconds = options.duration): Load => ({
  url, connections: options.connections, duration: seconds, headers: gzip, next: () => ({ path: pathOf() }),
});

interface GuestScenarios {
  scenarios: LoadScenario[];
  /** Untimed: one second of terms pages on each instance, so that none is measured while its JIT is still cold. */
  warmUp(): Promise<void>;
  /** Adds what the rounds did (acceptances recorded, sessions started) to their figures' notes. */
  finish(): void;
}

/**
 * The guests' and the router's scenarios on one installation. Pages and tokens are prepared on its first
 * instance and spent on all of them: with several, most acceptances reach an instance other than the one that rendered the page.
 */
function guestScenarios(options: BenchOptions, installation: Installation, servers: ServerProcess[], noWifidog: string | null): GuestScenarios {
  const { connections, duration } = options;
  const first = servers[0];
  const named = (name: string) => `${name}${installation.label}`;
  const wifidogServers = noWifidog ? null : servers;
  const portico = (name: string, missing?: string) => figuresOf(named(name), 'portico', missing);

  // Pools sized from the rate seen so far, so that a round lasts about `duration` and no accept or token is used twice.
  let acceptRate = 1500;
  let loginRate = 2000;
  let logins: WifidogLogin[] = [];
  let counters = 0;
  let accepted = 0;
  let sessionsStarted = 0;
  let loginAnswers = 0;

  const acceptFigures = portico('accept pfSense (record + 307)');
  const loginFigures = portico('WiFiDog auth/ stage=login', noWifidog ?? undefined);
  const { database } = installation;
  const scenarios: LoadScenario[] = [
    { figures: portico('terms page via pfSense entry'), servers, database, load: async () => termsLoad(options, first.url, () => pfsenseEntryPath(newGuest())) },
    {
      figures: portico('terms page via WiFiDog login/', noWifidog ?? undefined), servers: wifidogServers, database,
      load: async () => termsLoad(options, first.url, () => wifidogLoginPath(newGuest())),
    },
    {
      figures: acceptFigures, servers, database,
      load: async () => {
        const pending: PendingAccept[] = await pendingPfsenseAccepts(first.url, Math.ceil(acceptRate * duration));
        let next = 0;
        return {
          url: first.url, connections, duration, amount: pending.length, method: 'POST', headers: form,
          next: () => {
            const accept = pending[next++ % pending.length];
            return { path: accept.path, body: accept.body };
          },
        };
      },
      after: () => {
        const last = acceptFigures.rounds.at(-1);
        if (last) { acceptRate = last.rps; accepted += last.requests; }
      },
    },
    {
      figures: loginFigures, servers: wifidogServers, database,
      load: async () => {
        logins = await freshWifidogTokens(first.url, Math.min(20_000, Math.ceil(loginRate * duration)));
        let next = 0;
        return {
          url: first.url, connections, duration, amount: logins.length,
          next: () => ({ path: wifidogAuthPath('login', logins[next++ % logins.length]) }),
          onBody: (body) => {
            loginAnswers++;
            if (/Auth: 1\b/.test(body)) sessionsStarted++;
          },
        };
      },
      after: () => {
        const last = loginFigures.rounds.at(-1);
        if (last) loginRate = last.rps;
      },
    },
    {
      figures: portico('WiFiDog auth/ stage=counters', noWifidog ?? undefined), servers: wifidogServers, database,
      load: async () => ({
        url: first.url, connections, duration,
        next: () => {
          counters++;
          return { path: wifidogAuthPath('counters', logins[counters % logins.length], counters) };
        },
      }),
    },
    {
      figures: portico('WiFiDog ping/', noWifidog ?? undefined), servers: wifidogServers, database,
      load: async () => {
        let uptime = 600;
        return { url: first.url, connections, duration, next: () => ({ path: wifidogPingPath(uptime++) }) };
      },
    },
  ];
  return {
    scenarios,
    async warmUp() {
      for (const server of servers) {
        await runLoad(termsLoad(options, server.url, () => pfsenseEntryPath(newGuest()), 1));
        if (!noWifidog) await runLoad(termsLoad(options, server.url, () => wifidogLoginPath(newGuest()), 1));
      }
    },
    finish() {
      acceptFigures.note = `${accepted} acceptances, each from its own rendered page`;
      if (loginFigures.rounds.length) loginFigures.note = `${sessionsStarted} of ${loginAnswers} fresh tokens answered Auth: 1`;
    },
  };
}

interface LoadPhase {
  scenarios: ScenarioFigures[];
  termsPage: { bytes: number; encoding: string };
}

/** The installations a run loads: SQLite always; with PostgreSQL, one instance and (with --instances N) N instances, each on its own database. */
async function installationsOf(options: BenchOptions, root: string, cluster: BenchCluster | null): Promise<Installation[]> {
  const installations: Installation[] = [{ label: '', dataDir: path.join(root, 'load'), env: {}, instances: 1 }];
  if (!cluster) return installations;
  for (const instances of new Set([1, options.instances])) {
    const name = `portico_load_${instances}`;
    installations.push({
      label: ` [PostgreSQL ×${instances}]`, dataDir: path.join(root, name), instances,
      env: { DATABASE_URL: await cluster.createDatabase(name) }, database: cluster.monitor(name),
    });
  }
  return installations;
}

async function loadPhase(options: BenchOptions, root: string, cluster: BenchCluster | null): Promise<LoadPhase> {
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.cpuProfileDir)}`] : [];
  const started: ServerProcess[] = [];
  try {
    const installations = await installationsOf(options, root, cluster);
    const groups: GuestScenarios[] = [];
    for (const installation of installations) {
      const { wifidog, wifidogReason } = await registerGateways(installation);
      const servers: ServerProcess[] = [];
      for (let i = 0; i < installation.instances; i++) {
        // The CPU profile is of the default installation only: one file to open.
        const nodeFlags = installation.database ? [] : profile;
        const server = await startPortico({ dataDir: installation.dataDir, nodeFlags, env: installation.env });
        started.push(server);
        servers.push(server);
      }
      groups.push(guestScenarios(options, installation, servers, wifidog ? null : `no WiFiDog driver in this build (${wifidogReason})`));
    }
    const sqlite = started[0];
    const responseFile = path.join(root, 'terms-page.json');
    const termsPage = await recordTermsPage(sqlite.url, responseFile);
    const bare = await startReference('bare', responseFile);
    started.push(bare);
    const express = await startReference('express', responseFile);
    started.push(express);
    say(`terms page: ${termsPage.bytes} bytes, content-encoding ${termsPage.encoding}`);

    const references: LoadScenario[] = [
      { figures: figuresOf('bare node:http (same bytes)', 'reference'), servers: [bare], load: async () => termsLoad(options, bare.url, () => `/?guest=${newGuest().mac}`) },
      { figures: figuresOf('Express 5 (same bytes)', 'reference'), servers: [express], load: async () => termsLoad(options, express.url, () => `/?guest=${newGuest().mac}`) },
    ];
    const scenarios = [...references, ...groups.flatMap((group) => group.scenarios)];
    say('warming up');
    await runLoad(termsLoad(options, bare.url, () => '/', 1));
    await runLoad(termsLoad(options, express.url, () => '/', 1));
    for (const group of groups) await group.warmUp();
    for (let round = 1; round <= options.rounds; round++) {
      say(`round ${round} of ${options.rounds}`);
      for (const scenario of scenarios) await measure(scenario);
    }
    for (const group of groups) group.finish();
    return { scenarios: scenarios.map((s) => s.figures), termsPage };
  } finally {
    await Promise.all(started.map((server) => server.stop()));
  }
}

/**
 * A year of a busy venue in bulk (bench/seed.ts: the real insert with its roll-ups, many rows per
 * transaction), then the daily purge and a checkpoint, so that Portico starts on the file as a
 * long-running install has it: the guests' addresses beyond the retention period already cleared, not
 * a year's worth being cleared by the server's first purge while it is timed.
 */
async function seedHistory(dataDir: string, count: number): Promise<void> {
  const config = loadConfig({ DATA_DIR: dataDir });
  const store = await openStore(config, 'command');
  try {
    const { ctx } = await seedDemoData(store, config, {
      acceptances: count, endAt: Date.now(),
      progress: (written) => { if (written % 1_000_000 === 0) say(`  ${written / 1_000_000} M`); },
    });
    await purgeExpiredPersonalData(ctx);
    rawDatabase(store).pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    await store.close();
  }
}

interface HistoryFigures {
  acceptances: number;
  /** Where the dashboard and `stats --json` read it. */
  store: 'SQLite' | 'PostgreSQL';
  seedSeconds: number;
  /** On PostgreSQL: how long `portico db copy` took to move the seeded SQLite installation there. */
  copySeconds?: number;
  dashboard: Timing | null;
  dashboardMissing?: string;
  stats: (Timing & { acceptances: number }) | null;
  statsMissing?: string;
  /** Portico's peak resident memory while serving guests and the dashboard over this history. */
  peakMb: number;
}

/**
 * A fresh installation with `count` past acceptances: the dashboard and `stats --json`, cold then warm. With
 * a cluster, the history is seeded in SQLite as always and then moved to PostgreSQL by `portico db copy`,
 * the owner's own step up: the acceptances' roll-ups are the real ones, and the copy's duration is a figure too.
 */
async function historyPhase(options: BenchOptions, root: string, count: number, cluster: BenchCluster | null): Promise<HistoryFigures> {
  const dataDir = path.join(root, `history-${count}`);
  await registerGateways({ dataDir, env: {} });
  const admin = await addAdmin(dataDir);
  say(`seeding ${count.toLocaleString('en')} acceptances…`);
  const seedStarted = Date.now();
  await seedHistory(dataDir, count);
  const seedSeconds = (Date.now() - seedStarted) / 1000;
  const figures: HistoryFigures = { acceptances: count, store: cluster ? 'PostgreSQL' : 'SQLite', seedSeconds, dashboard: null, stats: null, peakMb: 0 };
  const env: Record<string, string> = {};
  if (cluster) {
    env.DATABASE_URL = await cluster.createDatabase(`portico_history_${count}`);
    say('copying into PostgreSQL (portico db copy)…');
    const copy = await portico(dataDir, ['db', 'copy', '--to', env.DATABASE_URL]);
    if (copy.code !== 0) throw new Error(`db copy exited ${copy.code}: ${copy.stderr.trim().split('\n')[0]}`);
    figures.copySeconds = copy.ms / 1000;
  }

  const server = await startPortico({ dataDir, env });
  resetPeakMemory(server.pid);
  try {
    if (admin.ok) {
      try {
        figures.dashboard = await timeDashboard(server.url, await signIn(server.url));
      } catch (error) {
        figures.dashboardMissing = (error as Error).message;
      }
    } else {
      figures.dashboardMissing = `no admin in this build (${admin.reason})`;
    }
    try {
      figures.stats = await timeStatsCommand(dataDir, env);
    } catch (error) {
      figures.statsMissing = (error as Error).message;
    }
    // Guests keep arriving while the owner looks: memory under load over this history.
    await runLoad({ url: server.url, connections: options.connections, duration: options.duration, headers: gzip, next: () => ({ path: pfsenseEntryPath(newGuest()) }) });
    const pending = await pendingPfsenseAccepts(server.url, 2000);
    let next = 0;
    await runLoad({
      url: server.url, connections: options.connections, duration: options.duration, amount: pending.length, method: 'POST', headers: form,
      next: () => ({ path: pending[next % pending.length].path, body: pending[next++ % pending.length].body }),
    });
    if (figures.dashboard) await timeDashboard(server.url, await signIn(server.url), 2);
    figures.peakMb = memoryOf(server.pid).peakMb;
  } finally {
    await server.stop();
  }
  return figures;
}

function machine(): string {
  const cpu = /^model name\s*:(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1].trim() ?? os.cpus()[0]?.model ?? 'unknown';
  return `${os.cpus().length} × ${cpu}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

function historyVerdicts(history: HistoryFigures[], skip10m: boolean, store: HistoryFigures['store']): Verdict[] {
  const verdicts: Verdict[] = [];
  const on = store === 'SQLite' ? '' : ` on ${store}`;
  for (const [count, limitMs, label] of [[1_000_000, 200, '1M'], [10_000_000, 1000, '10M']] as const) {
    const figures = history.find((h) => h.acceptances === count);
    const skipped = !figures ? (count === 10_000_000 && skip10m ? 'skipped (--skip-10m)' : 'not run') : undefined;
    const timing = (what: 'dashboard' | 'stats --json', t: Timing | null | undefined, missing?: string): Verdict => ({
      target: `${what} at ${label} acceptances${on} < ${ms(limitMs)} (cold and warm)`,
      met: t ? t.coldMs < limitMs && t.warmMs < limitMs : null,
      measured: t ? `cold ${ms(t.coldMs)}, warm ${ms(t.warmMs)}` : skipped ?? missing ?? 'not measured',
    });
    verdicts.push(timing('dashboard', figures?.dashboard, figures?.dashboardMissing));
    verdicts.push(timing('stats --json', figures?.stats, figures?.statsMissing));
  }
  const tenMillion = history.find((h) => h.acceptances === 10_000_000);
  verdicts.push({
    target: `Portico resident memory under load at 10M acceptances${on} < 200 MB`,
    met: tenMillion ? tenMillion.peakMb < 200 : null,
    measured: tenMillion ? `peak ${tenMillion.peakMb.toFixed(0)} MB` : skip10m ? 'skipped (--skip-10m)' : 'not run',
  });
  return verdicts;
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-bench-'));
  say(`Portico benchmark: ${options.rounds} round(s) × ${options.duration} s per scenario, ${options.connections} connections; data in ${root}`);
  let cluster: BenchCluster | null = null;
  try {
    if (options.store === 'postgres') {
      cluster = await startBenchCluster();
      say('PostgreSQL: a cluster of the bench\'s own (fsync, synchronous commit and full page writes on)');
    }
    const load = await loadPhase(options, root, cluster);
    let radius: RadiusSection;
    if (options.radiusCount === 0) {
      const skipped = options.store === 'postgres' ? 'not in a --store postgres run (run the bench without it)' : 'skipped (--skip-radius)';
      radius = { skipped, header: `RADIUS: ${skipped}`, pairs: [], verdicts: [] };
    } else {
      try {
        radius = await radiusPhase({
          ...defaultRadiusOptions, count: options.radiusCount, rounds: options.rounds,
          cpuProfileDir: options.cpuProfileDir && path.join(options.cpuProfileDir, 'radius'),
        }, root);
      } catch (error) {
        // Like the history phase: the HTTP figures stand on their own.
        const reason = `failed: ${(error as Error).message.split('\n')[0]}`;
        radius = { skipped: reason, header: `RADIUS: ${reason}`, pairs: [], verdicts: [{ target: 'RADIUS ≥ 1 × FreeRADIUS (sql on SQLite)', met: null, measured: reason }] };
      }
    }
    const history: HistoryFigures[] = [];
    const historyFailures: string[] = [];
    for (const count of options.skip10m ? [1_000_000] : [1_000_000, 10_000_000]) {
      try {
        history.push(await historyPhase(options, root, count, cluster));
      } catch (error) {
        // The load figures stand on their own: report what failed instead of losing the run.
        historyFailures.push(`${count.toLocaleString('en')} acceptances: ${(error as Error).message}`);
      }
    }
    const nodeStart = await nodeStartMs();

    const byName = (name: string) => load.scenarios.find((s) => s.name === name)!;
    const express = summarize(byName('Express 5 (same bytes)'));
    const bare = summarize(byName('bare node:http (same bytes)'));
    const out: string[] = [];
    out.push(`Portico benchmark — ${machine()}`);
    out.push(`${options.rounds} interleaved round(s) × ${options.duration} s, ${options.connections} connections, loopback; terms page ${load.termsPage.bytes} bytes (content-encoding ${load.termsPage.encoding}).`);
    out.push('rps: mean over rounds; p50/p99: median round; ratios against the servers measured in this same run;',
      'CPU µs/req: the server process\'s own CPU time per request (load generator excluded).');
    if (cluster) {
      out.push(`[PostgreSQL ×N]: N Portico instances on one PostgreSQL database (fsync on), the connections shared between them and latencies the slower's;`,
        'CPU µs/req summed over the instances; DB CPU µs/req: every PostgreSQL process; DB trips/req: statements sent (pg_stat_statements), each one round trip.');
    }
    out.push('');
    out.push(loadTable(load.scenarios, express, bare), '');
    for (const h of history) {
      const copied = h.copySeconds === undefined ? '' : `, copied to PostgreSQL by db copy in ${h.copySeconds.toFixed(0)} s`;
      out.push(`${h.acceptances.toLocaleString('en')} acceptances on ${h.store} (seeded in ${h.seedSeconds.toFixed(0)} s${copied}): `
        + `dashboard ${h.dashboard ? `cold ${ms(h.dashboard.coldMs)}, warm ${ms(h.dashboard.warmMs)}` : `— ${h.dashboardMissing}`}; `
        + `stats --json ${h.stats ? `cold ${ms(h.stats.coldMs)}, warm ${ms(h.stats.warmMs)} (whole command; Node alone starts in ${ms(nodeStart)})` : `— ${h.statsMissing}`}; `
        + `Portico peak ${h.peakMb.toFixed(0)} MB under load`);
    }
    for (const failure of historyFailures) out.push(`history phase failed at ${failure}`);
    out.push('', radiusReport(radius));
    out.push('', cluster ? 'Verdict per target of issue 7 (guests on SQLite) and of issue 18 (history on PostgreSQL):' : 'Verdict per target of issue 7:');

    const ratioVerdict = (name: string, minimum: number, p99Limit?: number): Verdict => {
      const figures = byName(name);
      const s = summarize(figures);
      if (!s || !express) return { target: `${name} ≥ ${minimum} × Express`, met: null, measured: figures.missing ?? 'not measured' };
      const ratio = s.rps / express.rps;
      const clean = s.failures === 0;
      return {
        target: `${name} ≥ ${minimum} × Express${p99Limit ? `, p99 < ${p99Limit} ms` : ''}`,
        met: ratio >= minimum && (p99Limit === undefined || s.p99 < p99Limit) && clean,
        measured: `${ratio.toFixed(2)} ×${p99Limit ? `, p99 ${s.p99} ms` : ''}${clean ? '' : `, ${s.failures} failed requests`}`,
      };
    };
    const verdicts: Verdict[] = [
      ratioVerdict('terms page via pfSense entry', 0.8, 25),
      ratioVerdict('terms page via WiFiDog login/', 0.8, 25),
      ratioVerdict('accept pfSense (record + 307)', 0.5),
      ratioVerdict('WiFiDog auth/ stage=login', 0.7),
      ratioVerdict('WiFiDog auth/ stage=counters', 0.7),
      ratioVerdict('WiFiDog ping/', 0.7),
      ...historyVerdicts(history, options.skip10m, cluster ? 'PostgreSQL' : 'SQLite'),
    ];
    if (load.termsPage.encoding === 'none') verdicts[0].measured += ' (page not compressed: Portico ignored Accept-Encoding)';
    out.push(verdictLines(verdicts));
    if (radius.verdicts.length) out.push('', 'Verdict per target of issue 15:', verdictLines(radius.verdicts));
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    await cluster?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error) => {
  say(`bench failed: ${error?.stack ?? error}`);
  process.exit(1);
});
