import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { processTimes } from './processes';

/*
 * The benchmark's own PostgreSQL: a throwaway cluster (test/postgres/cluster.sh) with the settings a real
 * installation keeps — fsync, synchronous commit and full page writes on — and pg_stat_statements, which
 * counts the statements each scenario sends. node-postgres sends each statement (BEGIN and COMMIT included)
 * as its own request and waits for its answer, so statements are the round trips to the database.
 */

const clusterScript = path.resolve(__dirname, '../../test/postgres/cluster.sh');
const honestSettings = '-c fsync=on -c synchronous_commit=on -c full_page_writes=on -c shared_preload_libraries=pg_stat_statements';

/** What PostgreSQL did for one scenario: its processes' CPU time and the statements sent to one database. */
export interface DatabaseWork {
  cpuSeconds: number;
  roundTrips: number;
}

/** Counts the work of one database between start() and stop(). */
export interface DatabaseMonitor {
  start(): Promise<void>;
  stop(): Promise<DatabaseWork>;
}

export interface BenchCluster {
  /** A new empty database's URL, for one installation. */
  createDatabase(name: string): Promise<string>;
  monitor(database: string): DatabaseMonitor;
  stop(): Promise<void>;
}

const run = (command: string, args: string[], env: NodeJS.ProcessEnv) => new Promise<string>((resolve, reject) => {
  execFile(command, args, { env }, (error, stdout, stderr) => (error ? reject(new Error(stderr.trim() || error.message)) : resolve(stdout)));
});

/**
 * CPU seconds of the postmaster and every backend it has: live ones by their own counters, ended ones through
 * the postmaster's. A backend reaped during the scan of /proc would be missed (gone from /proc, not yet in the
 * postmaster's figure when read first) or counted twice: the scan is taken again until the postmaster's
 * children's time held still across it.
 */
function clusterCpuSeconds(postmaster: number): number {
  const ownAndEnded = ({ cpuSeconds, childrenCpuSeconds }: ReturnType<typeof processTimes>) => cpuSeconds + childrenCpuSeconds;
  for (let attempt = 1; ; attempt++) {
    const before = processTimes(postmaster);
    let total = ownAndEnded(before);
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const times = processTimes(entry);
        if (times.parent === postmaster) total += ownAndEnded(times);
      } catch {
        // The process ended while being read: the postmaster's figure tells whether it was reaped meanwhile.
      }
    }
    if (processTimes(postmaster).childrenCpuSeconds === before.childrenCpuSeconds || attempt === 10) return total;
  }
}

export async function startBenchCluster(): Promise<BenchCluster> {
  const env = { ...process.env, PORTICO_PG_OPTIONS: honestSettings };
  const exports = await run('bash', [clusterScript], env);
  const dir = /PORTICO_TEST_POSTGRES_DIR='([^']+)'/.exec(exports)?.[1];
  if (!dir) throw new Error(`cluster.sh printed no folder: ${exports}`);
  const urlOf = (database: string) => `postgres://portico@/${database}?host=${dir}`;
  const postmaster = Number(fs.readFileSync(path.join(dir, 'data/postmaster.pid'), 'utf8').split('\n')[0]);
  const admin = new pg.Client({ connectionString: urlOf('postgres') });
  try {
    await admin.connect();
    await admin.query('CREATE EXTENSION pg_stat_statements');
  } catch (error) {
    await admin.end().catch(() => {});
    await run('bash', [clusterScript, 'stop', dir], env);
    throw error;
  }
  return {
    async createDatabase(name) {
      await admin.query(`CREATE DATABASE ${name}`);
      return urlOf(name);
    },
    monitor(database) {
      let cpuBefore = 0;
      return {
        async start() {
          await admin.query('SELECT pg_stat_statements_reset()');
          cpuBefore = clusterCpuSeconds(postmaster);
        },
        async stop() {
          const cpuSeconds = clusterCpuSeconds(postmaster) - cpuBefore;
          const { rows } = await admin.query<{ calls: string | null }>(
            'SELECT sum(calls) AS calls FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1)', [database]);
          return { cpuSeconds, roundTrips: Number(rows[0].calls ?? 0) };
        },
      };
    },
    async stop() {
      await admin.end().catch(() => {});
      await run('bash', [clusterScript, 'stop', dir], env);
    },
  };
}
