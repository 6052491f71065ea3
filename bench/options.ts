import { parseArgs } from 'node:util';

export interface BenchOptions {
  rounds: number;
  /** Seconds per scenario per round. */
  duration: number;
  connections: number;
  skip10m: boolean;
  /** Where Portico writes V8 CPU profiles of the load phase; none when null. */
  cpuProfileDir: string | null;
  /** Requests per RADIUS scenario, server and round (bench/radius.ts); 0 skips the RADIUS section. */
  radiusCount: number;
  /** Where the guests' scenarios and the history run: SQLite alone, or PostgreSQL against SQLite in the same run. */
  store: 'sqlite' | 'postgres';
  /** With PostgreSQL: the guests' scenarios also on this many instances of one installation (1: one instance only). */
  instances: number;
}

export const usage = `Usage: npm run bench -- [--quick] [--rounds N] [--duration SECONDS] [--connections N] [--skip-10m] [--cpu-prof DIR]
                        [--radius-count N] [--skip-radius] [--store sqlite|postgres] [--instances N]

  --quick        1 round of 2 s per scenario, without the 10 million acceptances (for development)
  --rounds N     interleaved rounds of every load scenario (default 3)
  --duration S   seconds per scenario and round (default 5)
  --connections  concurrent connections (default 50)
  --skip-10m     statistics at 1 million acceptances only
  --cpu-prof DIR write Portico's CPU profile of the load phase into DIR (open it in Chrome DevTools)
  --radius-count N  RADIUS requests per scenario, server and round, against FreeRADIUS (default 20000; --quick 5000)
  --skip-radius  leave out the RADIUS section (it also skips itself, saying why, without freeradius)
  --store postgres  the guests' scenarios on SQLite and on PostgreSQL (a cluster of the bench's own, durable
                 settings), with CPU and database round trips per request; the history on PostgreSQL
                 (seeded in SQLite, then moved with \`portico db copy\`); no RADIUS section
  --instances N  with --store postgres: also N instances of one installation on one database (e.g. 2)
`;

function positiveNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!(number > 0)) throw new Error(`--${name} takes a positive number, got "${value}"`);
  return number;
}

export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' }, rounds: { type: 'string' }, duration: { type: 'string' }, connections: { type: 'string' },
      'skip-10m': { type: 'boolean' }, 'cpu-prof': { type: 'string' }, 'radius-count': { type: 'string' }, 'skip-radius': { type: 'boolean' },
      store: { type: 'string' }, instances: { type: 'string' }, help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const store = values.store ?? 'sqlite';
  if (store !== 'sqlite' && store !== 'postgres') throw new Error(`--store takes sqlite or postgres, got "${store}"`);
  if (values.instances !== undefined && store !== 'postgres') throw new Error('--instances needs --store postgres: SQLite is one instance\'s');
  return {
    rounds: Math.round(positiveNumber('rounds', values.rounds, quick ? 1 : 3)),
    duration: positiveNumber('duration', values.duration, quick ? 2 : 5),
    connections: Math.round(positiveNumber('connections', values.connections, 50)),
    skip10m: (values['skip-10m'] ?? false) || quick,
    cpuProfileDir: values['cpu-prof'] ?? null,
    store,
    instances: Math.round(positiveNumber('instances', values.instances, 1)),
    radiusCount: values['skip-radius'] || store === 'postgres' ? 0 : Math.round(positiveNumber('radius-count', values['radius-count'], quick ? 5000 : 20_000)),
  };
}
