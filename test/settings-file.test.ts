import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig, publicUrlProblem, readSettings } from '../app/config';
import { ConfigError } from '../app/errors';
import { projectRoot } from '../app/paths';
import { runCli, tempDir } from './helpers';

function folderWith(settingsFile: string): string {
  const folder = tempDir();
  fs.writeFileSync(path.join(folder, 'portico.env'), settingsFile);
  return folder;
}

/** A script of the project run as a child in `folder`, as `npm start` and `npx portico` run in the project folder. */
function runIn(folder: string, script: string, args: string[], env: Record<string, string> = {}, until?: RegExp) {
  const child = spawn(process.execPath, [path.join(projectRoot, script), ...args], { cwd: folder, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let stopped = false;
  child.stdout!.setEncoding('utf8').on('data', (text: string) => { out += text; });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    err += text;
    if (!stopped && until?.test(err)) stopped = child.kill('SIGTERM');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => {
    clearTimeout(timer);
    resolve({ code, out, err });
  }));
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('portico.env: one settings file for the server and the command line', () => {
  it('reads NAME=value lines, with comments, quotes and export, and the environment wins', () => {
    const folder = folderWith([
      '# Portico at the Harbour Café',
      'PUBLIC_URL="http://192.168.10.5:8080/"',
      "export PORT='9090'",
      '',
      'DATA_DIR = ./venue-data',
      'RETENTION_DAYS=7',
    ].join('\r\n'));
    const { settings, file, warnings } = readSettings({ RETENTION_DAYS: '14', HOME: '/root' }, folder);
    assert.equal(file, path.join(folder, 'portico.env'));
    assert.deepEqual(warnings, []);
    assert.deepEqual(settings, { PUBLIC_URL: 'http://192.168.10.5:8080/', PORT: '9090', DATA_DIR: './venue-data', RETENTION_DAYS: '14' });
    const config = loadConfig(settings);
    assert.equal(config.port, 9090);
    assert.equal(config.retentionDays, 14);
    assert.equal(config.publicUrlGiven, true);
  });

  it('names a line it cannot read, and ignores what is no setting of Portico with a warning', () => {
    const folder = folderWith('PORT=8080\nPUBLIC_ULR=http://192.168.10.5/\nthis is no setting\n');
    assert.throws(() => readSettings({}, folder), (error: Error) => error instanceof ConfigError
      && error.message === `${path.join(folder, 'portico.env')} line 3: expected NAME=value, got "this is no setting"`);
    fs.writeFileSync(path.join(folder, 'portico.env'), 'PORT=8080\nPUBLIC_ULR=http://192.168.10.5/\n');
    const { settings, warnings } = readSettings({}, folder);
    assert.deepEqual(settings, { PORT: '8080' });
    assert.deepEqual(warnings, [`${path.join(folder, 'portico.env')} line 2: PUBLIC_ULR is not a Portico setting; ignored`]);
  });

  it('without a file, the environment alone', () => {
    assert.deepEqual(readSettings({ PORT: '8081', EDITOR: 'vi' }, tempDir()), { settings: { PORT: '8081' }, file: null, warnings: [] });
  });

  it('refuses a bad LOG_LEVEL instead of quietly logging at info', () => {
    assert.throws(() => loadConfig({ LOG_LEVEL: 'verbose' }), /LOG_LEVEL must be debug, info, warn or error/);
    assert.equal(loadConfig({ LOG_LEVEL: 'WARN' }).logLevel, 'warn');
  });

  it('the command line works on the data and address the file names, without repeating them', async () => {
    const folder = folderWith('DATA_DIR=./venue-data\nPUBLIC_URL=http://192.168.10.5:8080/\n');
    // DATA_DIR in the file is relative to the folder the command runs in, as npm start's is.
    const added = await runIn(folder, 'bin/portico.js', ['gateway', 'add', '--type', 'pfsense', '--id', 'lobby', '--address', '192.168.10.1:8002']);
    assert.equal(added.code, 0, added.err);
    assert.match(added.err, new RegExp(`created a new database at ${path.join(folder, 'venue-data')}`));
    const page = await runIn(folder, 'bin/portico.js', ['gateway', 'page', 'lobby']);
    assert.equal(page.code, 0, page.err);
    assert.match(page.out, /action="http:\/\/192\.168\.10\.5:8080\/pfsense\/lobby"/);
    assert.equal(page.err, '');
  });

  it('the server reads the same file: same data, same address, and says which file it read', async () => {
    const folder = folderWith('DATA_DIR=./venue-data\nPUBLIC_URL=http://192.168.10.5:8080/\nHOST=127.0.0.1\nLOG_FORMAT=json\nPORT=1\n');
    await runIn(folder, 'bin/portico.js', ['gateway', 'add', '--type', 'pfsense', '--id', 'lobby', '--address', '192.168.10.1:8002']);
    const port = await freePort();
    const server = await runIn(folder, 'dist/app/server.js', [], { PORT: String(port), RADIUS_PORT: '0', RADIUS_ACCT_PORT: '0' }, /"message":"stopped"|guest page preview/);
    const lines = server.err.trim().split('\n').map((line) => JSON.parse(line) as Record<string, string>);
    const serving = lines.find((line) => line.message === 'Portico is serving')!;
    assert.equal(serving.data, path.join(folder, 'venue-data'));
    assert.equal(serving.settings, path.join(folder, 'portico.env'));
    assert.equal(serving.listen, `127.0.0.1:${port}`, 'PORT from the environment wins over the file');
    assert.ok(lines.some((line) => line.message === 'guest page preview: http://192.168.10.5:8080/preview'));
    assert.ok(!lines.some((line) => line.level === 'warn'), 'a reachable PUBLIC_URL gives no warning');
  });
});

describe('PUBLIC_URL that guests cannot reach', () => {
  const withRouter = async () => {
    const dataDir = tempDir();
    await runCli(['gateway', 'add', '--type', 'pfsense', '--id', 'lobby', '--address', '192.168.10.1:8002'], { dataDir, publicUrl: 'http://192.168.10.5:8080/' });
    return dataDir;
  };

  it('is worded for unset and loopback addresses, and not for a real one', () => {
    assert.match(publicUrlProblem(loadConfig({}))!, /PUBLIC_URL is not set, so routers and guests would be sent to http:\/\/localhost:8080\//);
    for (const url of ['http://localhost:8080/', 'http://127.0.0.2:8080/', 'http://[::1]:8080/', 'http://portal.localhost/']) {
      assert.match(publicUrlProblem(loadConfig({ PUBLIC_URL: url }))!, /an address of this machine only/, url);
    }
    for (const url of ['http://192.168.10.5:8080/', 'https://wifi.example/', 'http://[fd00::5]/']) assert.equal(publicUrlProblem(loadConfig({ PUBLIC_URL: url })), null, url);
  });

  it('gateway setup and page refuse without PUBLIC_URL, saying how to set it, unless --force', async () => {
    const dataDir = await withRouter();
    for (const action of ['setup', 'page']) {
      const refused = await runCli(['gateway', action, 'lobby'], { dataDir });
      assert.equal(refused.code, 1);
      assert.equal(refused.out, '');
      assert.match(refused.err, /PUBLIC_URL is not set.*Set PUBLIC_URL in portico\.env.*PUBLIC_URL=http:\/\/192\.168\.1\.10:8080\/.*--force/s);
      const forced = await runCli(['gateway', action, 'lobby', '--force'], { dataDir });
      assert.equal(forced.code, 0);
      assert.match(forced.out, /localhost:8080/);
      assert.match(forced.err, new RegExp(`portico gateway ${action}: warning: PUBLIC_URL is not set`));
    }
  });

  it('gateway setup and page warn on a loopback PUBLIC_URL and go on', async () => {
    const dataDir = await withRouter();
    for (const action of ['setup', 'page']) {
      const result = await runCli(['gateway', action, 'lobby'], { dataDir, publicUrl: 'http://127.0.0.1:8080/' });
      assert.equal(result.code, 0);
      assert.match(result.out, /127\.0\.0\.1:8080/);
      assert.match(result.err, /warning: PUBLIC_URL is http:\/\/127\.0\.0\.1:8080\/, an address of this machine only/);
    }
  });

  it('the server warns at start when a router is registered, and only then', async () => {
    const start = async (dataDir: string) => {
      const port = await freePort();
      return runIn(tempDir(), 'dist/app/server.js', [], { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}/`, RADIUS_PORT: '0', RADIUS_ACCT_PORT: '0' }, /guest page preview/);
    };
    const withoutRouters = await start(tempDir());
    assert.doesNotMatch(withoutRouters.err, / warn /);
    const warned = await start(await withRouter());
    assert.match(warned.err, /warn PUBLIC_URL is http:\/\/127\.0\.0\.1:\d+\/, an address of this machine only: guests' phones cannot reach it: set PUBLIC_URL in portico\.env to the address guests reach Portico at, then run its router setup again routers=1/);
  });
});
