import type { LoadResult } from './load';

/** Every round of one load scenario, with Portico's peak resident memory during it. */
export interface ScenarioFigures {
  name: string;
  server: 'reference' | 'portico';
  rounds: LoadResult[];
  /** The server's own CPU time per answered request, all rounds together: steadier than rps on a shared machine. */
  cpuMicrosPerRequest: number | null;
  /** On PostgreSQL: the database server's CPU time and its round trips per answered request, all rounds together. */
  database?: { cpuMicrosPerRequest: number; roundTripsPerRequest: number };
  peakMb: number | null;
  /** Why it was not measured (e.g. the feature is not in this build). */
  missing?: string;
  note?: string;
}

export interface Summary {
  rps: number;
  p50: number;
  p99: number;
  failures: number;
  requests: number;
}

/** A per-request average over earlier rounds, with one more round's total over its requests added in. */
export function withRound(average: number | null | undefined, earlierRequests: number, roundTotal: number, roundRequests: number): number {
  return (((average ?? 0) * earlierRequests) + roundTotal) / Math.max(1, earlierRequests + roundRequests);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Throughput is the mean over rounds; latencies the median round's. */
export function summarize(figures: ScenarioFigures): Summary | null {
  if (figures.rounds.length === 0) return null;
  return {
    rps: figures.rounds.reduce((sum, r) => sum + r.rps, 0) / figures.rounds.length,
    p50: median(figures.rounds.map((r) => r.p50)),
    p99: median(figures.rounds.map((r) => r.p99)),
    failures: figures.rounds.reduce((sum, r) => sum + r.failures, 0),
    requests: figures.rounds.reduce((sum, r) => sum + r.requests, 0),
  };
}

const pad = (text: string, width: number) => text.padEnd(width);
const lpad = (text: string, width: number) => text.padStart(width);

/** The load scenarios; with PostgreSQL in the run, also the database's CPU and round trips per request. */
export function loadTable(scenarios: ScenarioFigures[], express: Summary | null, bare: Summary | null): string {
  const width = Math.max(34, ...scenarios.map((s) => s.name.length + 2));
  const withDatabase = scenarios.some((s) => s.database);
  const lines = [
    `${pad('scenario', width)}${lpad('rps', 8)}${lpad('p50 ms', 8)}${lpad('p99 ms', 8)}${lpad('×Express', 10)}${lpad('×bare', 8)}${lpad('CPU µs/req', 12)}`
      + `${withDatabase ? `${lpad('DB CPU µs/req', 15)}${lpad('DB trips/req', 14)}` : ''}${lpad('peak MB', 9)}  notes`,
  ];
  for (const scenario of scenarios) {
    const s = summarize(scenario);
    if (!s) {
      lines.push(`${pad(scenario.name, width)}${lpad('—', 8)}  not measured: ${scenario.missing ?? 'no run'}`);
      continue;
    }
    const notes = [scenario.note, s.failures > 0 ? `${s.failures} of ${s.requests} failed` : ''].filter(Boolean).join('; ');
    const database = !withDatabase ? ''
      : scenario.database ? lpad(scenario.database.cpuMicrosPerRequest.toFixed(0), 15) + lpad(scenario.database.roundTripsPerRequest.toFixed(2), 14)
        : lpad('—', 15) + lpad('—', 14);
    lines.push(pad(scenario.name, width) + lpad(s.rps.toFixed(0), 8) + lpad(s.p50.toFixed(0), 8) + lpad(s.p99.toFixed(0), 8)
      + lpad(express ? (s.rps / express.rps).toFixed(2) : '—', 10) + lpad(bare ? (s.rps / bare.rps).toFixed(2) : '—', 8)
      + lpad(scenario.cpuMicrosPerRequest === null ? '—' : scenario.cpuMicrosPerRequest.toFixed(0), 12) + database
      + lpad(scenario.peakMb === null ? '—' : scenario.peakMb.toFixed(0), 9) + (notes ? `  ${notes}` : ''));
  }
  return lines.join('\n');
}

export interface Verdict {
  target: string;
  met: boolean | null;
  measured: string;
}

export function verdictLines(verdicts: Verdict[]): string {
  return verdicts.map((v) => `${v.met === null ? 'NOT MEASURED' : v.met ? 'met    ' : 'NOT met'}  ${v.target}: ${v.measured}`).join('\n');
}

/** The RADIUS section: each scenario's FreeRADIUS row, then Portico's with its ratio to that FreeRADIUS row (latencies to 0.1 ms). */
export function radiusTable(pairs: { freeradius: ScenarioFigures; portico: ScenarioFigures }[]): string {
  const lines = [
    `${pad('scenario', 44)}${lpad('rps', 8)}${lpad('p50 ms', 8)}${lpad('p99 ms', 8)}${lpad('×FreeRADIUS', 13)}${lpad('CPU µs/req', 12)}${lpad('peak MB', 9)}  notes`,
  ];
  for (const { freeradius, portico } of pairs) {
    const reference = summarize(freeradius);
    for (const scenario of [freeradius, portico]) {
      const s = summarize(scenario);
      if (!s) {
        lines.push(`${pad(scenario.name, 44)}${lpad('—', 8)}  not measured: ${scenario.missing ?? 'no run'}`);
        continue;
      }
      const notes = [scenario.note, s.failures > 0 ? `${s.failures} of ${s.requests} failed` : ''].filter(Boolean).join('; ');
      lines.push(pad(scenario.name, 44) + lpad(s.rps.toFixed(0), 8) + lpad(s.p50.toFixed(1), 8) + lpad(s.p99.toFixed(1), 8)
        + lpad(reference ? (s.rps / reference.rps).toFixed(2) : '—', 13)
        + lpad(scenario.cpuMicrosPerRequest === null ? '—' : scenario.cpuMicrosPerRequest.toFixed(0), 12)
        + lpad(scenario.peakMb === null ? '—' : scenario.peakMb.toFixed(0), 9) + (notes ? `  ${notes}` : ''));
    }
  }
  return lines.join('\n');
}
