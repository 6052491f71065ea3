import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../app/app';
import { run } from '../app/cli';
import { loadConfig, type Config } from '../app/config';
import { createContext, type Context } from '../app/context';
import { log } from '../app/log';
import { openSqliteStore } from '../app/store/sqlite';
import type { AcceptanceExportRow, Site, Store } from '../app/store/types';
import { ensureVenue } from '../app/venue-settings';
import { rawDatabase } from './store/raw';

if (!process.env.LOG_LEVEL) log.setLevel('silent');

/** A clock the test moves by hand. */
export function testClock(start = Date.UTC(2026, 10, 27, 12, 0, 0)) {
  let now = start;
  const clock = () => now;
  clock.advance = (ms: number) => { now += ms; };
  clock.set = (ms: number) => { now = ms; };
  return clock;
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'portico-test-'));
}

export interface TestPortal {
  dataDir: string;
  config: Config;
  store: Store;
  site: Site;
  ctx: Context;
  app: ReturnType<typeof createApp>;
  clock: ReturnType<typeof testClock>;
  close(): Promise<void>;
}

/** The SQLite store of the Portico whose data folder this is, opened as a command opens it. */
export function openTestStore(dataDir: string): Store {
  return openSqliteStore(dataDir);
}

/** A Portico on a fresh SQLite file in a temporary folder, with the seeded venue. */
export async function testPortal(env: Record<string, string> = {}): Promise<TestPortal> {
  const dataDir = tempDir();
  const clock = testClock();
  const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'http://portal.test/', ...env });
  const store = openSqliteStore(config.dataDir);
  const site = await store.updateSite((await ensureVenue(store, clock())).id, { name: 'Café Test', websiteUrl: 'https://cafe.example/' });
  const ctx = createContext(config, store, randomBytes(32), clock);
  const app = createApp(ctx);
  return {
    dataDir, config, store, site, ctx, app, clock,
    async close() {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Portico on a real loopback port, with PUBLIC_URL set to where it listens. */
export async function listeningPortal(env: Record<string, string> = {}): Promise<TestPortal & { url: string }> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const portal = await testPortal({ PUBLIC_URL: url, ...env });
  server.on('request', portal.app);
  return {
    ...portal, url,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await portal.close();
    },
  };
}

export function countRows(store: Store, table: string): number {
  return (rawDatabase(store).prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** Runs `npx portico …` in-process on a data folder, capturing what it prints. */
/** Runs a command in-process; `folder` (the dataDir unless given) is where it looks for portico.env, and an absent publicUrl leaves PUBLIC_URL unset. */
export async function runCli(argv: string[], options: { dataDir: string; publicUrl?: string; folder?: string; now?: () => number; stdin?: string; env?: Record<string, string> }) {
  let out = '';
  let err = '';
  const code = await run(argv, {
    env: { ...options.env, DATA_DIR: options.dataDir, ...(options.publicUrl === undefined ? {} : { PUBLIC_URL: options.publicUrl }) },
    folder: options.folder ?? options.dataDir,
    out: (text) => { out += text; },
    err: (text) => { err += text; },
    now: options.now ?? (() => Date.UTC(2026, 10, 27, 12)),
    readPassword: async () => (options.stdin ?? '').split(/\r?\n/)[0],
  });
  return { code, out, err };
}

/** The newest acceptance as `export acceptances` gives it (the tests' clock only moves forward). */
export async function lastAcceptance(store: Store): Promise<AcceptanceExportRow | undefined> {
  let last: AcceptanceExportRow | undefined;
  for await (const row of store.exportAcceptances({})) last = row;
  return last;
}
