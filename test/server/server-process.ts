import { spawn, type ChildProcess } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { projectRoot } from '../../app/paths';
import { runCli } from '../helpers';
import { acceptForm } from '../sim/pfsense-guest';

/** The real server (node dist/app/server.js) as a child process on a loopback port with its own DATA_DIR. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote to stderr (its log) so far. */
  log(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function startServerProcess(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const child = spawn(process.execPath, [path.join(projectRoot, 'dist/app/server.js')], {
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, LOG_LEVEL: 'info', RADIUS_PORT: '0', RADIUS_ACCT_PORT: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => { output += text; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 10 s:\n${output}`)), 10_000);
    const check = () => {
      if (output.includes('Portico is serving')) {
        clearTimeout(timer);
        child.stderr!.off('data', check);
        resolve();
      }
    };
    child.stderr!.on('data', check);
    void exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${output}`)); });
  });
  return { url, child, log: () => output, exited };
}

/** The pfSense portal address the gateway "cafe" of addPfSenseGateway is registered with. */
export const routerAddress = '127.0.0.1:8002';

/** Registers pfSense gateway "cafe" in DATA_DIR through the command line, as the owner would. */
export async function addPfSenseGateway(dataDir: string): Promise<void> {
  const added = await runCli(['gateway', 'add', '--type', 'pfsense', '--id', 'cafe', '--address', routerAddress], { dataDir, publicUrl: 'http://127.0.0.1/' });
  if (added.code !== 0) throw new Error(`gateway add failed: ${added.err}`);
}

/** The accept form a pfSense guest with these addresses would post, from the terms page the server serves. */
export async function acceptFormFor(server: ServerProcess, mac: string, ip: string): Promise<string> {
  const entry = new URL('pfsense/cafe', server.url);
  entry.search = new URLSearchParams({ zone: 'guest', portal_action: `http://${routerAddress}/index.php?zone=guest`, client_mac: mac, client_ip: ip }).toString();
  const response = await fetch(entry);
  const html = await response.text();
  if (response.status !== 200) throw new Error(`terms page: ${response.status} ${html.slice(0, 200)}`);
  return acceptForm(html).toString();
}
