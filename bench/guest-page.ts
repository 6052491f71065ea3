/*
 * The guest terms page against a minimal Express 5 app that returns the same bytes (the same gzip
 * body), in one run, interleaved, so the ratio holds on a shared machine. Not part of npm test.
 *   npm run build && node dist/bench/guest-page.js [seconds-per-round] [rounds] [connections]
 * The load comes from a worker thread (the second core) with keep-alive connections.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import express from 'express';
import { createApp } from '../app/app';
import { loadConfig } from '../app/config';
import { createContext } from '../app/context';
import { log } from '../app/log';
import { openSqliteStore } from '../app/store/sqlite';
import { ensureVenue } from '../app/venue-settings';

interface LoadJob { url: string; seconds: number; connections: number }
interface LoadResult { requests: number; bytes: number; p50: number; p99: number; errors: number }

async function load({ url, seconds, connections }: LoadJob): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let bytes = 0;
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  const one = () => new Promise<void>((resolve) => {
    const start = process.hrtime.bigint();
    http.get(url, { agent, headers: { 'accept-encoding': 'gzip, deflate, br', 'accept-language': 'en-GB,en;q=0.8' } }, (res) => {
      res.on('data', (chunk: Buffer) => { bytes += chunk.length; });
      res.on('end', () => {
        if (res.statusCode !== 200) errors++;
        latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
        resolve();
      });
    }).on('error', () => { errors++; resolve(); });
  });
  await Promise.all(Array.from({ length: connections }, async () => { while (Date.now() < end) await one(); }));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length / seconds, bytes, p50: latencies[Math.floor(latencies.length * 0.5)], p99: latencies[Math.floor(latencies.length * 0.99)], errors };
}

if (!isMainThread) {
  void load(workerData as LoadJob).then((result) => parentPort!.postMessage(result));
}

function inWorker(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function main(): Promise<void> {
  const [seconds = 3, rounds = 3, connections = 50] = process.argv.slice(2).map(Number);
  log.setLevel('warn');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-bench-'));
  const store = openSqliteStore(dataDir);
  const site = await ensureVenue(store, Date.now());
  await store.addGateway({ id: 'bench', siteId: site.id, type: 'pfsense', name: 'Bench', settings: {} }, Date.now());
  const portico = await listen(() => undefined);
  const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: `${portico.url}/` });
  portico.server.on('request', createApp(createContext(config, store, randomBytes(32))));
  const entry = '/pfsense/bench?zone=guest&portal_action=http%3A%2F%2F10.0.0.1%3A8002%2Findex.php%3Fzone%3Dguest&redirurl=http%3A%2F%2Fexample.com%2F&client_mac=02%3A00%3A00%3A00%3A00%3A01&client_ip=10.0.0.9';

  // The same bytes Portico sends (its gzip body), from the smallest Express app that can send them.
  const sample = await new Promise<{ body: Buffer; headers: http.IncomingHttpHeaders }>((resolve) => {
    http.get(`${portico.url}${entry}`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ body: Buffer.concat(chunks), headers: res.headers }));
    });
  });
  const minimal = express();
  minimal.get('/', (_req, res) => {
    res.set({ 'Content-Type': 'text/html; charset=utf-8', 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' }).end(sample.body);
  });
  const express1 = await listen(minimal);

  const scenarios = [
    { name: 'minimal Express, same bytes', url: `${express1.url}/` },
    { name: 'Portico terms page (pfSense entry, gzip)', url: `${portico.url}${entry}` },
  ];
  const results = new Map<string, LoadResult[]>(scenarios.map((s) => [s.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const scenario of scenarios) results.get(scenario.name)!.push(await inWorker({ url: scenario.url, seconds, connections }));
  }
  console.log(`${os.cpus().length} × ${os.cpus()[0].model}, Node ${process.version}; ${rounds} rounds × ${seconds} s, ${connections} connections; page ${sample.body.length} bytes gzip`);
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const baseline = median(results.get(scenarios[0].name)!.map((r) => r.requests));
  for (const scenario of scenarios) {
    const runs = results.get(scenario.name)!;
    const rps = median(runs.map((r) => r.requests));
    console.log(`${scenario.name.padEnd(42)} ${rps.toFixed(0).padStart(6)} rps  p50 ${median(runs.map((r) => r.p50)).toFixed(2)} ms  p99 ${median(runs.map((r) => r.p99)).toFixed(2)} ms  ratio ${(rps / baseline).toFixed(2)}  errors ${runs.reduce((n, r) => n + r.errors, 0)}`);
  }
  const ratio = median(results.get(scenarios[1].name)!.map((r) => r.requests)) / baseline;
  console.log(`verdict: terms page ${ratio >= 0.8 ? 'meets' : 'misses'} the 0.8 × minimal Express target (${ratio.toFixed(2)})`);
  portico.server.close();
  express1.server.close();
  await store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

if (isMainThread) void main();
