/**
 * `npm run bench:stats`: the dashboard and `stats --json` over 1 million and 10 million acceptances
 * (issue 7: under 200 ms at 1 M, under 1 s at 10 M). Seeds a fresh database per size in bulk, then
 * measures in a fresh child process, as Portico would run: cold (first request after start) and warm.
 *
 *   npm run bench:stats                 both sizes
 *   npm run bench:stats -- 1000000      one size
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { dashboardRouter } from '../app/admin/dashboard';
import { run } from '../app/cli';
import { loadConfig } from '../app/config';
import { createContext } from '../app/context';
import { createPolicy } from '../app/edge/policy';
import { log } from '../app/log';
import { projectRoot, publicDir, viewsDir } from '../app/paths';
import { loadOrCreateSecret } from '../app/secret';
import { openStore } from '../app/store/open';
import { seedDemoData } from './seed';
import { rawDatabase } from '../test/store/raw';

log.setLevel('warn');

const views = ['period=today', 'period=7d', 'period=30d', 'period=30d&gateway=bar'];
const warmRuns = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function get(url: string): Promise<{ status: number; ms: number; bytes: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => { bytes += chunk.length; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - started) / 1e6, bytes }));
    }).on('error', reject);
  });
}

/** Child process: Portico's dashboard on a loopback port over the seeded data, timed request by request. */
async function measure(dataDir: string, endAt: number): Promise<void> {
  const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'http://portal.test/' });
  const store = await openStore(config, 'command');
  const ctx = createContext(config, store, loadOrCreateSecret(dataDir), () => endAt);
  // The dashboard as the admin mounts it, minus the login (which costs the same on any page).
  const app = express();
  app.set('views', viewsDir);
  app.set('view engine', 'ejs');
  app.locals.basePath = '/';
  const policy = createPolicy(ctx);
  app.use(policy.express.secure);
  app.use(express.static(publicDir, { index: false }));
  app.use('/admin', dashboardRouter(ctx));
  app.use(policy.express.errors);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/dashboard?`;

  const results: Record<string, { cold: number; warm: number; bytes: number }> = {};
  const cold: Record<string, number> = {};
  for (const view of views) {
    const first = await get(base + view);
    if (first.status !== 200) throw new Error(`${view}: HTTP ${first.status}`);
    cold[view] = first.ms;
    results[view] = { cold: first.ms, warm: 0, bytes: first.bytes };
  }
  for (const view of views) {
    const times: number[] = [];
    for (let i = 0; i < warmRuns; i++) times.push((await get(base + view)).ms);
    results[view].warm = median(times);
  }
  server.close();
  await store.close();

  // `stats --json` for 30 days inside this process: open the database, query, format (node already started).
  const today = new Date(endAt).toISOString().slice(0, 10);
  const from = new Date(endAt - 29 * 86_400_000).toISOString().slice(0, 10);
  const cliTimes: number[] = [];
  for (let i = 0; i < 1 + warmRuns; i++) {
    let printed = '';
    const started = process.hrtime.bigint();
    await run(['stats', '--json', '--from', from, '--to', today], { env: { DATA_DIR: dataDir }, folder: dataDir, out: (t) => { printed += t; }, err: () => {}, now: () => endAt, readPassword: async () => '' });
    cliTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (!printed.includes('"acceptances"')) throw new Error('stats --json printed no figures');
  }
  results['stats --json (in process)'] = { cold: cliTimes[0], warm: median(cliTimes.slice(1)), bytes: 0 };
  process.stdout.write(JSON.stringify({ results, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

/** Wall time of the whole command as the owner runs it: node start, open, query, print. */
function timeCli(dataDir: string, args: string[]): number {
  const started = process.hrtime.bigint();
  const output = execFileSync(process.execPath, [path.join(projectRoot, 'bin/portico.js'), ...args], {
    env: { ...process.env, DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!output.includes('"acceptances"')) throw new Error('stats --json printed no figures');
  return ms;
}

async function benchSize(size: number): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `portico-bench-${size}-`));
  try {
    const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'http://portal.test/' });
    const store = await openStore(config, 'command');
    const endAt = Date.now();
    const seedStart = Date.now();
    const seeded = await seedDemoData(store, config, {
      acceptances: size, endAt,
      progress: (n) => { if (n % 1_000_000 === 0) process.stderr.write(`  seeded ${n / 1e6} M\n`); },
    });
    rawDatabase(store).pragma('wal_checkpoint(TRUNCATE)');
    await store.close();
    const seedSeconds = (Date.now() - seedStart) / 1000;
    const dbMb = fs.statSync(path.join(dataDir, 'portico.db')).size / 1e6;
    console.log(`\n${(size / 1e6).toLocaleString('en')} M acceptances (${seeded.sessions.toLocaleString('en')} sessions, 365 days): seeded in ${seedSeconds.toFixed(0)} s, database ${dbMb.toFixed(0)} MB`);

    const child = spawn(process.execPath, [__filename, '--measure', dataDir, String(endAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    await new Promise((resolve) => child.on('close', resolve));
    const { results, maxRssMb } = JSON.parse(output) as { results: Record<string, { cold: number; warm: number; bytes: number }>; maxRssMb: number };
    console.log('  dashboard view (HTTP)          cold ms   warm ms   page kB');
    for (const [view, r] of Object.entries(results)) {
      console.log(`  ${view.padEnd(30)} ${r.cold.toFixed(1).padStart(7)}   ${r.warm.toFixed(1).padStart(7)}   ${(r.bytes / 1024).toFixed(0).padStart(7)}`);
    }
    console.log(`  Portico process peak RSS: ${maxRssMb.toFixed(0)} MB`);

    const today = new Date(endAt).toISOString().slice(0, 10);
    const from = new Date(endAt - 29 * 86_400_000).toISOString().slice(0, 10);
    const args = ['stats', '--json', '--from', from, '--to', today];
    const cliRuns = [0, 1, 2, 3].map(() => timeCli(dataDir, args));
    const nodeStart = (() => { const t = process.hrtime.bigint(); execFileSync(process.execPath, ['-e', '0']); return Number(process.hrtime.bigint() - t) / 1e6; })();
    console.log(`  stats --json (30 days), whole command in a new process: first ${cliRuns[0].toFixed(0)} ms, then ${median(cliRuns.slice(1)).toFixed(0)} ms (of which starting node: ${nodeStart.toFixed(0)} ms)`);
    const verdict = (ms: number) => (ms < (size <= 1_000_000 ? 200 : 1000) ? 'met' : 'NOT met');
    const worstCold = Math.max(...views.map((view) => results[view].cold));
    const cliCold = results['stats --json (in process)'].cold;
    console.log(`  target < ${size <= 1_000_000 ? 200 : 1000} ms: dashboard ${verdict(worstCold)} (worst cold ${worstCold.toFixed(0)} ms); `
      + `stats --json ${verdict(cliCold)} (${cliCold.toFixed(0)} ms cold in process; ${cliRuns[0].toFixed(0)} ms with node's own start)`);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--measure') return measure(process.argv[3], Number(process.argv[4]));
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  console.log(`Statistics benchmark on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`);
  for (const size of sizes.length ? sizes : [1_000_000, 10_000_000]) await benchSize(size);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
