import { spawn, execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { request } from './http-client';

const root = path.resolve(__dirname, '../..');
const cliPath = path.join(root, 'bin/portico.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A server under test, running in its own process so that it never shares a core's event loop with the load generator. */
export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function waitUntilServing(url: string, child: ChildProcess, name: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before serving`);
    try {
      await request(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`${name} did not start serving at ${url}`);
}

function serverProcess(name: string, child: ChildProcess, url: string): ServerProcess {
  return {
    name, url, pid: child.pid!,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      child.kill('SIGTERM');
    }),
  };
}

export interface PorticoOptions {
  dataDir: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /** Settings beyond the bench's own, e.g. RADIUS_PORT (the RADIUS server is off unless given). */
  env?: Record<string, string>;
}

/** Portico as shipped: `node dist/app/server.js` on loopback, its log going to DATA_DIR/portico.log. */
export async function startPortico({ dataDir, nodeFlags = [], env = {} }: PorticoOptions): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  fs.mkdirSync(dataDir, { recursive: true });
  const logFd = fs.openSync(path.join(dataDir, 'portico.log'), 'a');
  const child = spawn(process.execPath, [...nodeFlags, path.join(root, 'dist/app/server.js')], {
    // Every simulated phone and router shares 127.0.0.1 here, where a real crowd has an address each:
    // the per-address and per-router request budgets are raised so that they do not refuse the crowd.
    // The RADIUS server stays off unless asked for, so that a RADIUS server on 1812/1813 never stops the HTTP bench.
    env: {
      ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url,
      RATE_LIMIT_ADDRESS: '1000000', RATE_LIMIT_GATEWAY: '1000000', RADIUS_PORT: 'off', ...env,
    },
    stdio: ['ignore', logFd, logFd],
  });
  fs.closeSync(logFd);
  await waitUntilServing(`${url}preview`, child, 'Portico');
  return serverProcess('Portico', child, url);
}

/** The bare node:http or minimal Express server answering every request with one recorded response. */
export async function startReference(kind: 'bare' | 'express', responseFile: string): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(__dirname, 'reference-server.js'), kind, String(port), responseFile], { stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}/`;
  await waitUntilServing(url, child, kind);
  return serverProcess(kind === 'bare' ? 'bare node:http' : 'Express 5', child, url);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `npx portico …` as the owner runs it, timed from spawn to exit; `env` holds the installation's other settings (DATABASE_URL). */
export function portico(dataDir: string, args: string[], stdin?: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = execFile(process.execPath, [cliPath, ...args], { env: { ...process.env, DATA_DIR: dataDir, ...env }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr, ms });
    });
    child.stdin?.end(stdin);
  });
}

/** Resident memory of a process in MB: peak since the last reset (VmHWM) and now (VmRSS). */
export function memoryOf(pid: number): { peakMb: number; rssMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

/** Resets the kernel's peak-RSS mark (Linux ≥ 4.0), so the next VmHWM is the peak of one scenario. */
export function resetPeakMemory(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** A process's parent and CPU seconds from /proc/<pid>/stat: its own (user + system) and its ended, waited-for children's. */
export function processTimes(pid: number | string): { parent: number; cpuSeconds: number; childrenCpuSeconds: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')': ppid is the 2nd, then
  // utime, stime, cutime and cstime the 12th to 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return { parent: fields[1], cpuSeconds: (fields[11] + fields[12]) / clockTicksPerSecond, childrenCpuSeconds: (fields[13] + fields[14]) / clockTicksPerSecond };
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSecondsOf(pid: number): number {
  return processTimes(pid).cpuSeconds;
}

/** USER_HZ: 100 on every Linux build Node runs on. */
const clockTicksPerSecond = 100;
