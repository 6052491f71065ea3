/*
 * `npm run bench`: Portico as shipped against a bare node:http server and a minimal Express 5 app
 * serving the same bytes, on loopback, interleaved over several rounds; then its RADIUS server against
 * FreeRADIUS (bench/radius.ts, when freeradius is installed); then the dashboard and `stats --json`
 * over 1 and 10 million acceptances. Ends with a verdict per target of issues 7 and 15.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../app/config';
import { openStore } from '../app/store/open';
import { addAdmin, nodeStartMs, signIn, timeDashboard, timeStatsCommand, type Timing } from './admin';
import {
  freshWifidogTokens, newGuest, pendingPfsenseAccepts, pfsenseEntryPath, pfsenseGatewayId, wifidogAuthPath, wifidogGatewayId,
  wifidogLoginPath, wifidogPingPath, type PendingAccept, type WifidogLogin,
} from './guests';
import { request } from './http-client';
import { runLoad, type Load } from './load';
import { parseBenchOptions, type BenchOptions } from './options';
import { cpuSecondsOf, memoryOf, portico, resetPeakMemory, startPortico, startReference, type ServerProcess } from './processes';
import { defaultRadiusOptions, radiusPhase, radiusReport, type RadiusSection } from './radius';
import { loadTable, summarize, verdictLines, type ScenarioFigures, type Verdict } from './report';
import { seedDemoData } from './seed';
import { rawDatabase } from '../test/store/raw';

const say = (text: string) => process.stderr.write(`${text}\n`);

/** Headers that belong to one connection or one answer, not to the page. */
const perAnswerHeaders = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'etag']);

/** Registers the bench's routers through the command line, as an owner would; WiFiDog only if this build has it. */
async function registerGateways(dataDir: string): Promise<{ wifidog: boolean; wifidogReason: string }> {
  const pf = await portico(dataDir, ['gateway', 'add', '--type', 'pfsense', '--id', pfsenseGatewayId]);
  if (pf.code !== 0) throw new Error(`gateway add pfsense failed: ${pf.stderr}`);
  const wd = await portico(dataDir, ['gateway', 'add', '--type', 'wifidog', '--id', wifidogGatewayId]);
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
  server: ServerProcess | null;
  /** Untimed preparation (rendered pages, fresh tokens), then the load itself. */
  load?: () => Promise<Load>;
  after?: () => void;
}

async function measure(scenario: LoadScenario): Promise<void> {
  if (!scenario.server || !scenario.load) return;
  const load = await scenario.load();
  const portico = scenario.figures.server === 'portico';
  const resettable = portico && resetPeakMemory(scenario.server.pid);
  const cpuBefore = cpuSecondsOf(scenario.server.pid);
  const result = await runLoad(load);
  const cpu = cpuSecondsOf(scenario.server.pid) - cpuBefore;
  const { rounds } = scenario.figures;
  const earlier = rounds.reduce((sum, r) => sum + r.requests, 0);
  scenario.figures.cpuMicrosPerRequest = (((scenario.figures.cpuMicrosPerRequest ?? 0) * earlier) + cpu * 1e6) / (earlier + result.requests);
  rounds.push(result);
  scenario.after?.();
  if (portico) {
    const { peakMb, rssMb } = memoryOf(scenario.server.pid);
    const peak = resettable ? peakMb : rssMb;
    scenario.figures.peakMb = Math.max(scenario.figures.peakMb ?? 0, peak);
  }
  say(`  ${scenario.figures.name}: ${result.rps.toFixed(0)} rps, p99 ${result.p99} ms${result.failures ? `, ${result.failures} failed` : ''}`);
}

interface LoadPhase {
  scenarios: ScenarioFigures[];
  termsPage: { bytes: number; encoding: string };
}

async function loadPhase(options: BenchOptions, root: string): Promise<LoadPhase> {
  const dataDir = path.join(root, 'load');
  const { wifidog, wifidogReason } = await registerGateways(dataDir);
  const noWifidog = `no WiFiDog driver in this build (${wifidogReason})`;
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.cpuProfileDir)}`] : [];
  const server = await startPortico({ dataDir, nodeFlags: profile });
  const responseFile = path.join(root, 'terms-page.json');
  const termsPage = await recordTermsPage(server.url, responseFile);
  const bare = await startReference('bare', responseFile);
  const express = await startReference('express', responseFile);
  say(`terms page: ${termsPage.bytes} bytes, content-encoding ${termsPage.encoding}`);

  const { connections, duration } = options;
  const gzip = { 'accept-encoding': 'gzip, deflate, br', 'user-agent': 'CaptiveNetworkSupport-481 wispr' };
  const form = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)' };
  const figures = (name: string, kind: 'reference' | 'portico', missing?: string): ScenarioFigures => ({ name, server: kind, rounds: [], cpuMicrosPerRequest: null, peakMb: null, missing });
  const termsLoad = (url: string, pathOf: () => string, seconds = duration): Load => ({ url, connections, duration: seconds, headers: gzip, next: () => ({ path: pathOf() }) });

  // Pools sized from the rate seen so far, so that a round lasts about `duration` and no accept or token is used twice.
  let acceptRate = 1500;
  let loginRate = 2000;
  let logins: WifidogLogin[] = [];
  let counters = 0;
  let accepted = 0;
  let sessionsStarted = 0;
  let loginAnswers = 0;

  const bareFigures = figures('bare node:http (same bytes)', 'reference');
  const expressFigures = figures('Express 5 (same bytes)', 'reference');
  const acceptFigures = figures('accept pfSense (record + 307)', 'portico');
  const loginFigures = figures('WiFiDog auth/ stage=login', 'portico', wifidog ? undefined : noWifidog);
  const scenarios: LoadScenario[] = [
    { figures: bareFigures, server: bare, load: async () => termsLoad(bare.url, () => `/?guest=${newGuest().mac}`) },
    { figures: expressFigures, server: express, load: async () => termsLoad(express.url, () => `/?guest=${newGuest().mac}`) },
    { figures: figures('terms page via pfSense entry', 'portico'), server, load: async () => termsLoad(server.url, () => pfsenseEntryPath(newGuest())) },
    {
      figures: figures('terms page via WiFiDog login/', 'portico', wifidog ? undefined : noWifidog), server: wifidog ? server : null,
      load: async () => termsLoad(server.url, () => wifidogLoginPath(newGuest())),
    },
    {
      figures: acceptFigures, server,
      load: async () => {
        const pending: PendingAccept[] = await pendingPfsenseAccepts(server.url, Math.ceil(acceptRate * duration));
        let next = 0;
        return {
          url: server.url, connections, duration, amount: pending.length, method: 'POST', headers: form,
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
      figures: loginFigures, server: wifidog ? server : null,
      load: async () => {
        logins = await freshWifidogTokens(server.url, Math.min(20_000, Math.ceil(loginRate * duration)));
        let next = 0;
        return {
          url: server.url, connections, duration, amount: logins.length,
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
      figures: figures('WiFiDog auth/ stage=counters', 'portico', wifidog ? undefined : noWifidog), server: wifidog ? server : null,
      load: async () => ({
        url: server.url, connections, duration,
        next: () => {
          counters++;
          return { path: wifidogAuthPath('counters', logins[counters % logins.length], counters) };
        },
      }),
    },
    {
      figures: figures('WiFiDog ping/', 'portico', wifidog ? undefined : noWifidog), server: wifidog ? server : null,
      load: async () => {
        let uptime = 600;
        return { url: server.url, connections, duration, next: () => ({ path: wifidogPingPath(uptime++) }) };
      },
    },
  ];

  try {
    // One untimed second each, so that no server is measured while its JIT is still cold.
    say('warming up');
    await runLoad(termsLoad(bare.url, () => '/', 1));
    await runLoad(termsLoad(express.url, () => '/', 1));
    await runLoad(termsLoad(server.url, () => pfsenseEntryPath(newGuest()), 1));
    if (wifidog) await runLoad(termsLoad(server.url, () => wifidogLoginPath(newGuest()), 1));
    for (let round = 1; round <= options.rounds; round++) {
      say(`round ${round} of ${options.rounds}`);
      for (const scenario of scenarios) await measure(scenario);
    }
  } finally {
    await Promise.all([server.stop(), bare.stop(), express.stop()]);
  }
  acceptFigures.note = `${accepted} acceptances, each from its own rendered page`;
  if (loginFigures.rounds.length) loginFigures.note = `${sessionsStarted} of ${loginAnswers} fresh tokens answered Auth: 1`;
  return { scenarios: scenarios.map((s) => s.figures), termsPage };
}

/**
 * A year of a busy venue in bulk (bench/seed.ts: the real insert with its roll-ups, many rows per
 * transaction), then a checkpoint, so that Portico starts on the file as a long-running install has it.
 */
async function seedHistory(dataDir: string, count: number): Promise<void> {
  const config = loadConfig({ DATA_DIR: dataDir });
  const store = await openStore(config, 'command');
  try {
    await seedDemoData(store, config, {
      acceptances: count, endAt: Date.now(),
      progress: (written) => { if (written % 1_000_000 === 0) say(`  ${written / 1_000_000} M`); },
    });
    rawDatabase(store).pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    await store.close();
  }
}

interface HistoryFigures {
  acceptances: number;
  seedSeconds: number;
  dashboard: Timing | null;
  dashboardMissing?: string;
  stats: (Timing & { acceptances: number }) | null;
  statsMissing?: string;
  /** Portico's peak resident memory while serving guests and the dashboard over this history. */
  peakMb: number;
}

/** A fresh installation with `count` past acceptances: the dashboard and `stats --json`, cold then warm. */
async function historyPhase(options: BenchOptions, root: string, count: number): Promise<HistoryFigures> {
  const dataDir = path.join(root, `history-${count}`);
  await registerGateways(dataDir);
  const admin = await addAdmin(dataDir);
  say(`seeding ${count.toLocaleString('en')} acceptances…`);
  const seedStarted = Date.now();
  await seedHistory(dataDir, count);
  const seedSeconds = (Date.now() - seedStarted) / 1000;

  const server = await startPortico({ dataDir });
  resetPeakMemory(server.pid);
  const figures: HistoryFigures = { acceptances: count, seedSeconds, dashboard: null, stats: null, peakMb: 0 };
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
      figures.stats = await timeStatsCommand(dataDir);
    } catch (error) {
      figures.statsMissing = (error as Error).message;
    }
    // Guests keep arriving while the owner looks: memory under load over this history.
    const gzip = { 'accept-encoding': 'gzip, deflate, br' };
    await runLoad({ url: server.url, connections: options.connections, duration: options.duration, headers: gzip, next: () => ({ path: pfsenseEntryPath(newGuest()) }) });
    const pending = await pendingPfsenseAccepts(server.url, 2000);
    let next = 0;
    await runLoad({
      url: server.url, connections: options.connections, duration: options.duration, amount: pending.length, method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
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

function historyVerdicts(history: HistoryFigures[], skip10m: boolean): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const [count, limitMs, label] of [[1_000_000, 200, '1M'], [10_000_000, 1000, '10M']] as const) {
    const figures = history.find((h) => h.acceptances === count);
    const skipped = !figures ? (count === 10_000_000 && skip10m ? 'skipped (--skip-10m)' : 'not run') : undefined;
    const timing = (what: 'dashboard' | 'stats --json', t: Timing | null | undefined, missing?: string): Verdict => ({
      target: `${what} at ${label} acceptances < ${ms(limitMs)} (cold and warm)`,
      met: t ? t.coldMs < limitMs && t.warmMs < limitMs : null,
      measured: t ? `cold ${ms(t.coldMs)}, warm ${ms(t.warmMs)}` : skipped ?? missing ?? 'not measured',
    });
    verdicts.push(timing('dashboard', figures?.dashboard, figures?.dashboardMissing));
    verdicts.push(timing('stats --json', figures?.stats, figures?.statsMissing));
  }
  const tenMillion = history.find((h) => h.acceptances === 10_000_000);
  verdicts.push({
    target: 'Portico resident memory under load at 10M acceptances < 200 MB',
    met: tenMillion ? tenMillion.peakMb < 200 : null,
    measured: tenMillion ? `peak ${tenMillion.peakMb.toFixed(0)} MB` : skip10m ? 'skipped (--skip-10m)' : 'not run',
  });
  return verdicts;
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-bench-'));
  say(`Portico benchmark: ${options.rounds} round(s) × ${options.duration} s per scenario, ${options.connections} connections; data in ${root}`);
  try {
    const load = await loadPhase(options, root);
    let radius: RadiusSection;
    if (options.radiusCount === 0) {
      radius = { skipped: 'skipped (--skip-radius)', header: 'RADIUS: skipped (--skip-radius)', pairs: [], verdicts: [] };
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
        history.push(await historyPhase(options, root, count));
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
      'CPU µs/req: the server process\'s own CPU time per request (load generator excluded).', '');
    out.push(loadTable(load.scenarios, express, bare), '');
    for (const h of history) {
      out.push(`${h.acceptances.toLocaleString('en')} acceptances (seeded in ${h.seedSeconds.toFixed(0)} s): `
        + `dashboard ${h.dashboard ? `cold ${ms(h.dashboard.coldMs)}, warm ${ms(h.dashboard.warmMs)}` : `— ${h.dashboardMissing}`}; `
        + `stats --json ${h.stats ? `cold ${ms(h.stats.coldMs)}, warm ${ms(h.stats.warmMs)} (whole command; Node alone starts in ${ms(nodeStart)})` : `— ${h.statsMissing}`}; `
        + `Portico peak ${h.peakMb.toFixed(0)} MB under load`);
    }
    for (const failure of historyFailures) out.push(`history phase failed at ${failure}`);
    out.push('', radiusReport(radius));
    out.push('', 'Verdict per target of issue 7:');

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
      ...historyVerdicts(history, options.skip10m),
    ];
    if (load.termsPage.encoding === 'none') verdicts[0].measured += ' (page not compressed: Portico ignored Accept-Encoding)';
    out.push(verdictLines(verdicts));
    if (radius.verdicts.length) out.push('', 'Verdict per target of issue 15:', verdictLines(radius.verdicts));
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error) => {
  say(`bench failed: ${error?.stack ?? error}`);
  process.exit(1);
});
