import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { runSpread } from '../../bench/load';
import { parseBenchOptions } from '../../bench/options';
import { startBenchCluster, type BenchCluster } from '../../bench/postgres';
import { notRun } from '../postgres/database';

// What `npm run bench -- --store postgres` reports per request: the round trips one database was sent and
// PostgreSQL's CPU time, on the bench's own cluster (with PostgreSQL installed, as wherever the PostgreSQL tests run).
describe('bench: the PostgreSQL work counted per scenario', { skip: notRun }, () => {
  let cluster: BenchCluster;
  let counted: string;
  let other: string;
  before(async () => {
    cluster = await startBenchCluster();
    counted = await cluster.createDatabase('counted');
    other = await cluster.createDatabase('other');
  });
  after(() => cluster?.stop());

  async function onDatabase(url: string, statements: string[]): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const statement of statements) await client.query(statement);
    } finally {
      await client.end();
    }
  }

  it('counts every statement sent to its database, BEGIN and COMMIT too, and none sent elsewhere', async () => {
    const monitor = cluster.monitor('counted');
    await monitor.start();
    await onDatabase(counted, ['BEGIN', 'SELECT 1', 'SELECT 2', 'COMMIT']);
    await onDatabase(other, ['SELECT 1', 'SELECT 2', 'SELECT 3']);
    const work = await monitor.stop();
    assert.equal(work.roundTrips, 4);
  });

  it('counts the CPU time of backends that ended during the scenario', async () => {
    const monitor = cluster.monitor('counted');
    await monitor.start();
    await onDatabase(counted, ['SELECT count(*) FROM generate_series(1, 3000000)']);
    const work = await monitor.stop();
    assert.equal(work.roundTrips, 1);
    assert.ok(work.cpuSeconds > 0, `PostgreSQL's CPU time was ${work.cpuSeconds} s`);
  });
});

describe('bench: one load spread over several instances', () => {
  const servers: http.Server[] = [];
  const seen: string[][] = [];
  before(async () => {
    for (let i = 0; i < 2; i++) {
      const paths: string[] = [];
      seen.push(paths);
      const server = http.createServer((req, res) => {
        paths.push(req.url!);
        res.end('ok');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
    }
  });
  after(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

  it('shares a fixed amount between the instances, each request drawn once from the same source', async () => {
    let next = 0;
    const urls = servers.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const result = await runSpread({ url: urls[0], connections: 3, duration: 5, amount: 11, next: () => ({ path: `/${next++}` }) }, urls);
    assert.equal(result.requests, 11);
    assert.equal(result.failures, 0);
    assert.deepEqual(seen.map((paths) => paths.length), [6, 5]);
    assert.deepEqual([...seen[0], ...seen[1]].sort(), Array.from({ length: 11 }, (_, i) => `/${i}`).sort());
  });
});

describe('bench: the store options', () => {
  it('runs PostgreSQL against SQLite only when asked, and refuses instances without it', () => {
    assert.equal(parseBenchOptions([]).store, 'sqlite');
    const postgres = parseBenchOptions(['--store', 'postgres', '--instances', '2']);
    assert.deepEqual([postgres.store, postgres.instances, postgres.radiusCount], ['postgres', 2, 0]);
    assert.throws(() => parseBenchOptions(['--instances', '2']), /--instances needs --store postgres/);
    assert.throws(() => parseBenchOptions(['--store', 'mysql']), /--store takes sqlite or postgres/);
  });
});
