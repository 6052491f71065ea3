import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../../app/paths';
import { tempDir } from '../helpers';

const unitFile = path.join(projectRoot, 'deploy/portico.service');
const shippedNode = '/usr/bin/node';

/**
 * What `systemd-analyze verify` says about a unit with this text: its exit code and every line naming the
 * unit. The unit is verified from a copy whose ExecStart points at this machine's node when that is not
 * /usr/bin/node (verify refuses a missing binary); nothing else of the shipped text changes.
 */
function verify(text: string): { status: number | null; complaints: string[] } {
  const dir = tempDir();
  const copy = path.join(dir, 'portico.service');
  fs.writeFileSync(copy, fs.existsSync(shippedNode) ? text : text.replaceAll(shippedNode, process.execPath));
  const result = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
  if (result.error) throw new Error(`systemd-analyze cannot run (install Debian's systemd package): ${result.error.message}`);
  const complaints = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.includes('portico.service'));
  return { status: result.status, complaints };
}

/** The unit's settings of one section, as key → values (a key may repeat). */
function section(text: string, name: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let current = '';
  for (const line of text.split('\n')) {
    const header = /^\[(\w+)\]$/.exec(line.trim());
    if (header) current = header[1];
    const setting = /^(\w+)=(.*)$/.exec(line);
    if (current === name && setting) settings.set(setting[1], [...settings.get(setting[1]) ?? [], setting[2]]);
  }
  return settings;
}

describe('deploy/portico.service', () => {
  const text = fs.readFileSync(unitFile, 'utf8');

  it('passes systemd-analyze verify without a warning', () => {
    const { status, complaints } = verify(text);
    assert.deepEqual(complaints, []);
    assert.equal(status, 0);
  });

  it('is checked for real: a misspelt setting or a missing program fails the check', () => {
    assert.notDeepEqual(verify(text.replace('ProtectSystem=strict', 'ProtectSystem=strct')).complaints, []);
    assert.notDeepEqual(verify(text.replace('Restart=on-failure', 'Restart=on-failur')).complaints, []);
    assert.notDeepEqual(verify(text.replace('NoNewPrivileges=yes', 'NoNewPrivilege=yes')).complaints, []);
    assert.notEqual(verify(text.replace(/^ExecStart=\S+/m, 'ExecStart=/nonexistent/node')).status, 0);
  });

  it('runs what npm start runs, as its own user, on the settings file and state folder the docs name', () => {
    const service = section(text, 'Service');
    const start = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    const workingDirectory = service.get('WorkingDirectory')?.[0];
    assert.equal(workingDirectory, '/opt/portico');
    assert.equal(service.get('ExecStart')?.[0], start.replace(/^node (\S+)/, `${shippedNode} ${workingDirectory}/$1`));
    assert.equal(service.get('User')?.[0], 'portico');
    assert.equal(service.get('StateDirectory')?.[0], 'portico');
    assert.match(service.get('Environment')?.[0] ?? '', /(^| )DATA_DIR=\/var\/lib\/portico( |$)/);
    assert.deepEqual(service.get('EnvironmentFile'), [`-${workingDirectory}/portico.env`]);
    assert.equal(service.get('Restart')?.[0], 'on-failure');
    for (const hardening of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'PrivateDevices=yes', 'CapabilityBoundingSet=']) {
      const [key, value] = hardening.split('=');
      assert.deepEqual(service.get(key), [value], hardening);
    }
    assert.deepEqual(service.get('RestrictAddressFamilies'), ['AF_INET AF_INET6 AF_UNIX']);
    const docs = fs.readFileSync(path.join(projectRoot, 'docs/operations.md'), 'utf8');
    for (const named of ['deploy/portico.service', '/opt/portico/portico.env', '/var/lib/portico', 'useradd --system']) assert.ok(docs.includes(named), named);
  });
});
