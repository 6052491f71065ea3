/*
 * The RADIUS benchmark (issue 15): Portico's RADIUS server as shipped against Debian's FreeRADIUS with
 * its `sql` module on SQLite, in the same run, on loopback. Both get the very same datagrams, as a
 * pfSense 2.7 zone in RADIUS mode sends them: Access-Requests (PAP) for fresh one-time logins, each
 * used once (Portico: its first use, so a real decision and a write), then an Accounting Start for
 * each session they opened and an Interim-Update for each. Part of `npm run bench`; alone:
 *
 *   npm run bench:radius -- [--count N] [--rounds N] [--concurrency N] [--cpu-prof DIR]
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { configureFreeRadius, findFreeRadius, startFreeRadius, type FreeRadiusProcess } from './freeradius';
import { cpuSecondsOf, memoryOf, portico, resetPeakMemory, startPortico, type ServerProcess } from './processes';
import { runRadiusLoad, slotOf, type RadiusLoadResult } from './radius-load';
import { issueBenchLogins } from './radius-logins';
import {
  accessAccept, accountingResponse, pfsenseAccessRequest, pfsenseAccountingRequest, type BenchGuest, type BenchNas,
} from './radius-packets';
import { radiusTable, summarize, verdictLines, withRound, type ScenarioFigures, type Verdict } from './report';

const say = (text: string) => process.stderr.write(`${text}\n`);

export interface RadiusBenchOptions {
  /** Requests per scenario, server and round: each Access-Request a login of its own. */
  count: number;
  rounds: number;
  /** Requests outstanding at any time. */
  concurrency: number;
  /** Untimed requests per scenario and server before the first round. */
  warmup: number;
  /** A run that has not sent its requests after this long stops sending (FreeRADIUS's accounting can be slow). */
  maxSeconds: number;
  cpuProfileDir: string | null;
  /** FreeRADIUS's SQLite as configureFreeRadius tunes it (WAL, 5 s busy timeout), or as the sql module ships. */
  freeradiusSqlite: 'tuned' | 'stock';
}

export const defaultRadiusOptions: RadiusBenchOptions = {
  count: 20_000, rounds: 3, concurrency: 32, warmup: 2000, maxSeconds: 60, cpuProfileDir: null, freeradiusSqlite: 'tuned',
};

export interface RadiusSection {
  /** Why nothing was measured (no FreeRADIUS here), or undefined. */
  skipped?: string;
  header: string;
  pairs: { freeradius: ScenarioFigures; portico: ScenarioFigures }[];
  verdicts: Verdict[];
}

const gatewayId = 'bench';
const scenarioNames = {
  access: 'Access-Request → Accept',
  start: 'Accounting Start → Response',
  interim: 'Accounting Interim → Response',
} as const;
type ScenarioKind = keyof typeof scenarioNames;

/** A free UDP port on loopback (bound and released: a brief race no other process on this machine is expected to win). */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** One batch of guests' datagrams per scenario, made beforehand (slotOf decides each one's Identifier). */
function datagramsFor(nas: BenchNas, guests: BenchGuest[]): Record<ScenarioKind, Buffer[]> {
  return {
    access: guests.map((guest, i) => pfsenseAccessRequest(nas, guest, slotOf(i).identifier)),
    start: guests.map((guest, i) => pfsenseAccountingRequest(nas, guest, slotOf(i).identifier, 1)),
    interim: guests.map((guest, i) => pfsenseAccountingRequest(nas, guest, slotOf(i).identifier, 3, {
      sessionSeconds: 60, inputOctets: 150_000 + i, outputOctets: 2_500_000 + 7 * i,
    })),
  };
}

interface Target {
  name: 'Portico' | 'FreeRADIUS';
  pid: number;
  auth: number;
  acct: number;
  /** The end of its log, to say why it is gone. */
  logTail(): string;
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

const expected: Record<ScenarioKind, number> = { access: accessAccept, start: accountingResponse, interim: accountingResponse };

function failureNote(result: RadiusLoadResult): string {
  const parts = [];
  if (result.wrongCode) parts.push(`${result.wrongCode} wrong code (${Object.entries(result.otherCodes).map(([c, n]) => `code ${c}: ${n}`).join(', ')})`);
  if (result.badAuthenticator) parts.push(`${result.badAuthenticator} bad Response Authenticator`);
  if (result.timeouts) parts.push(`${result.timeouts} unanswered`);
  if (result.unsent) parts.push(`${result.unsent} not sent (time limit)`);
  return parts.join(', ');
}

async function measure(target: Target, figures: ScenarioFigures, kind: ScenarioKind, datagrams: Buffer[], nas: BenchNas, options: RadiusBenchOptions) {
  if (!fs.existsSync(`/proc/${target.pid}`)) throw new Error(`${target.name} (pid ${target.pid}) is no longer running; its log ends:\n${target.logTail()}`);
  const resettable = resetPeakMemory(target.pid);
  const cpuBefore = cpuSecondsOf(target.pid);
  const result = await runRadiusLoad({
    host: '127.0.0.1', port: kind === 'access' ? target.auth : target.acct, datagrams, expect: expected[kind], secret: nas.secret,
    concurrency: options.concurrency, maxSeconds: options.maxSeconds,
  });
  const cpu = cpuSecondsOf(target.pid) - cpuBefore;
  const earlier = figures.rounds.reduce((sum, r) => sum + r.requests, 0);
  figures.cpuMicrosPerRequest = withRound(figures.cpuMicrosPerRequest, earlier, cpu * 1e6, result.requests);
  figures.rounds.push(result);
  const { peakMb, rssMb } = memoryOf(target.pid);
  figures.peakMb = Math.max(figures.peakMb ?? 0, resettable ? peakMb : rssMb);
  const problems = failureNote(result);
  if (problems) figures.note = [figures.note, `round ${figures.rounds.length}: ${problems}`].filter(Boolean).join('; ');
  say(`  ${figures.name}: ${result.rps.toFixed(0)} rps, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms${problems ? `, ${problems}` : ''}`);
}

/** Waits until FreeRADIUS answers an Access-Request (its start takes a second or so), at most 15 s. */
async function waitForFreeRadius(freeradius: FreeRadiusProcess, port: number, probe: Buffer, nas: BenchNas): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const result = await runRadiusLoad({ host: '127.0.0.1', port, datagrams: [probe], expect: accessAccept, secret: nas.secret, concurrency: 1, timeoutMs: 300 });
    if (result.requests === 1 && result.failures === 0) return;
    if (result.requests === 1) throw new Error(`FreeRADIUS answered the probe with code ${Object.keys(result.otherCodes).join(', ')}:\n${freeradius.logTail()}`);
  }
  throw new Error(`FreeRADIUS did not answer within 15 s:\n${freeradius.logTail()}`);
}

function notMeasured(reason: string): RadiusSection {
  return {
    skipped: reason, header: `RADIUS: skipped: ${reason}`, pairs: [],
    verdicts: Object.values(scenarioNames).map((name) => ({ target: `RADIUS ${name} ≥ 1 × FreeRADIUS (sql on SQLite)`, met: null, measured: `skipped: ${reason}` })),
  };
}

export async function radiusPhase(options: RadiusBenchOptions, root: string): Promise<RadiusSection> {
  const found = findFreeRadius();
  if ('missing' in found) return notMeasured(found.missing);

  // 128 random bits; starting with a letter, so that no command line reads it as an option.
  const secret = `bench-${randomBytes(16).toString('hex')}`;
  const nas: BenchNas = { nasId: gatewayId, secret: Buffer.from(secret) };
  const dataDir = path.join(root, 'radius-portico');
  const added = await portico(dataDir, ['gateway', 'add', '--type', 'pfsense', '--id', gatewayId, '--address', '192.168.1.1:8002', '--mode', 'radius', `--radius-secret=${secret}`]);
  if (added.code !== 0) {
    const said = added.stderr.split('\n').find((line) => line.trim() && !line.includes('created a new database')) ?? `exit code ${added.code}`;
    return notMeasured(`gateway add --mode radius failed (${said.trim()})`);
  }

  const { count, rounds, warmup } = options;
  say(`RADIUS: issuing ${(warmup + rounds * count).toLocaleString('en')} one-time logins in ${dataDir}…`);
  const issuedAt = Date.now();
  const guests = await issueBenchLogins(dataDir, gatewayId, warmup + rounds * count);
  say(`  issued in ${((Date.now() - issuedAt) / 1000).toFixed(1)} s`);
  const warmupBatch = datagramsFor(nas, guests.slice(0, warmup));
  const roundBatches = Array.from({ length: rounds }, (_, r) => datagramsFor(nas, guests.slice(warmup + r * count, warmup + (r + 1) * count)));

  const [frAuth, frAcct, pAuth, pAcct] = [await freeUdpPort(), await freeUdpPort(), await freeUdpPort(), await freeUdpPort()];
  const frDir = path.join(root, 'freeradius');
  configureFreeRadius({ dir: frDir, secret, authPort: frAuth, acctPort: frAcct, users: guests, sqlite: options.freeradiusSqlite });
  const freeradius = startFreeRadius(found.binary, frDir);
  let server: ServerProcess | null = null;
  const figures = (name: string, kind: 'reference' | 'portico'): ScenarioFigures => ({ name, server: kind, rounds: [], cpuMicrosPerRequest: null, peakMb: null });
  const pairs = (Object.keys(scenarioNames) as ScenarioKind[]).map((kind) => ({
    kind, freeradius: figures(`FreeRADIUS ${scenarioNames[kind]}`, 'reference'), portico: figures(`Portico ${scenarioNames[kind]}`, 'portico'),
  }));
  try {
    // The probe is a warm-up login's first request: FreeRADIUS does not spend logins, and Portico never sees it.
    await waitForFreeRadius(freeradius, frAuth, warmupBatch.access[0], nas);
    const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.cpuProfileDir)}`] : [];
    server = await startPortico({
      dataDir, nodeFlags: profile, env: { RADIUS_HOST: '127.0.0.1', RADIUS_PORT: String(pAuth), RADIUS_ACCT_PORT: String(pAcct) },
    });
    const targets: Target[] = [
      { name: 'Portico', pid: server.pid, auth: pAuth, acct: pAcct, logTail: () => tail(path.join(dataDir, 'portico.log')) },
      { name: 'FreeRADIUS', pid: freeradius.pid, auth: frAuth, acct: frAcct, logTail: freeradius.logTail },
    ];

    say(`warming up (${warmup} requests per scenario and server)`);
    for (const { kind } of pairs) {
      for (const target of targets) {
        const result = await runRadiusLoad({
          host: '127.0.0.1', port: kind === 'access' ? target.auth : target.acct, datagrams: warmupBatch[kind], expect: expected[kind],
          secret: nas.secret, concurrency: options.concurrency, maxSeconds: options.maxSeconds,
        });
        const problems = failureNote(result);
        if (problems) say(`  warm-up ${target.name} ${scenarioNames[kind]}: ${problems}`);
      }
    }
    // Scenario by scenario, every round of it before the next, so that the logins (usable for five minutes) are all used early;
    // within a scenario the two servers take turns, and which goes first alternates.
    for (const pair of pairs) {
      for (let round = 0; round < rounds; round++) {
        say(`${scenarioNames[pair.kind]}: round ${round + 1} of ${rounds}`);
        const order = round % 2 === 0 ? targets : [...targets].reverse();
        for (const target of order) {
          await measure(target, target.name === 'Portico' ? pair.portico : pair.freeradius, pair.kind, roundBatches[round][pair.kind], nas, options);
        }
      }
    }
  } finally {
    await Promise.all([server?.stop(), freeradius.stop()]);
  }

  const verdicts: Verdict[] = pairs.map(({ kind, freeradius: fr, portico: p }) => {
    const target = `RADIUS ${scenarioNames[kind]} ≥ 1 × FreeRADIUS (sql on SQLite)`;
    const [f, s] = [summarize(fr), summarize(p)];
    if (!f || !s) return { target, met: null, measured: 'not measured' };
    const clean = s.failures === 0 && f.failures === 0;
    const ratio = s.rps / f.rps;
    return {
      target, met: ratio >= 1 && s.failures === 0,
      measured: `${ratio.toFixed(2)} × (${s.rps.toFixed(0)} against ${f.rps.toFixed(0)} rps), p99 ${s.p99.toFixed(1)} against ${f.p99.toFixed(1)} ms`
        + (clean ? '' : `; failures: Portico ${s.failures}, FreeRADIUS ${f.failures}`),
    };
  });
  const header = `RADIUS: ${rounds} round(s) × ${count.toLocaleString('en')} requests per scenario and server (each Access-Request a fresh login), `
    + `${options.concurrency} outstanding, after ${warmup} untimed; the same pfSense 2.7 datagrams (PAP, no Message-Authenticator) to Portico and to `
    + `FreeRADIUS 3 (Debian, stock configuration with sql on SQLite${options.freeradiusSqlite === 'tuned' ? ' in WAL mode, busy timeout 5 s' : ' as shipped'}); `
    + 'rps: mean over rounds; p50/p99: median round.';
  return { header, pairs, verdicts };
}

export function radiusReport(section: RadiusSection): string {
  if (section.skipped) return section.header;
  return [section.header, '', radiusTable(section.pairs)].join('\n');
}

export const radiusUsage = `Usage: npm run bench:radius -- [--count N] [--rounds N] [--concurrency N] [--warmup N] [--max-seconds S] [--cpu-prof DIR]

  --count N        requests per scenario, server and round (default ${defaultRadiusOptions.count}); each Access-Request a fresh login
  --rounds N       rounds, the servers taking turns (default ${defaultRadiusOptions.rounds})
  --concurrency N  requests outstanding at any time (default ${defaultRadiusOptions.concurrency})
  --warmup N       untimed requests per scenario and server first (default ${defaultRadiusOptions.warmup})
  --max-seconds S  a run stops sending after S seconds (default ${defaultRadiusOptions.maxSeconds})
  --cpu-prof DIR   write Portico's V8 CPU profile into DIR
  --freeradius-stock  FreeRADIUS's SQLite as the sql module ships it (rollback journal, 200 ms busy timeout), not in WAL mode with 5 s
`;

function parseRadiusOptions(argv: string[]): RadiusBenchOptions {
  const { values } = parseArgs({
    args: argv, strict: true,
    options: {
      count: { type: 'string' }, rounds: { type: 'string' }, concurrency: { type: 'string' }, warmup: { type: 'string' },
      'max-seconds': { type: 'string' }, 'cpu-prof': { type: 'string' }, 'freeradius-stock': { type: 'boolean' }, help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(radiusUsage);
    process.exit(0);
  }
  const number = (name: string, value: string | undefined, fallback: number, least: number) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < least) throw new Error(`--${name} takes a whole number of at least ${least}, got "${value}"`);
    return n;
  };
  return {
    count: number('count', values.count, defaultRadiusOptions.count, 1),
    rounds: number('rounds', values.rounds, defaultRadiusOptions.rounds, 1),
    concurrency: number('concurrency', values.concurrency, defaultRadiusOptions.concurrency, 1),
    warmup: number('warmup', values.warmup, defaultRadiusOptions.warmup, 1),
    maxSeconds: number('max-seconds', values['max-seconds'], defaultRadiusOptions.maxSeconds, 1),
    cpuProfileDir: values['cpu-prof'] ?? null,
    freeradiusSqlite: values['freeradius-stock'] ? 'stock' : 'tuned',
  };
}

async function main(): Promise<void> {
  const options = parseRadiusOptions(process.argv.slice(2));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-bench-radius-'));
  try {
    const section = await radiusPhase(options, root);
    const cpu = /^model name\s*:(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1].trim() ?? 'unknown';
    process.stdout.write([
      `Portico RADIUS benchmark — ${os.cpus().length} × ${cpu}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
      radiusReport(section), ...(section.skipped ? [] : ['CPU µs/req: the server process\'s own CPU time per answered request (load generator excluded).']), '',
      'Verdict per target of issue 15:', verdictLines(section.verdicts),
    ].join('\n') + '\n');
  } finally {
    if (process.env.PORTICO_BENCH_KEEP) say(`kept ${root}`);
    else fs.rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error) => {
    say(`bench failed: ${error?.stack ?? error}`);
    process.exit(1);
  });
}
