import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { runCli, tempDir } from '../helpers';
import { acceptFormFor, routerAddress, startServerProcess, type ServerProcess } from '../server/server-process';
import { accessRequest, accountingRequest, ask, integer, ipv4, text, userPassword } from '../sim/radius-client';

const secret = 'process-radius-secret-0123456789';

/** The RADIUS ports the server logged ("radius listening port=auth address=127.0.0.1:…"). */
function loggedPorts(log: string): { auth: number; acct: number } {
  const port = (which: string) => Number(new RegExp(`radius listening port=${which} address=127\\.0\\.0\\.1:(\\d+)`).exec(log)?.[1]);
  return { auth: port('auth'), acct: port('acct') };
}

describe('the RADIUS server in the real server process', () => {
  const dataDir = tempDir();
  let server: ServerProcess | undefined;
  after(() => {
    server?.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers pfSense for a guest who accepted, and stops with the server on SIGTERM', async () => {
    const added = await runCli(['gateway', 'add', '--type', 'pfsense', '--id', 'cafe', '--address', routerAddress, '--mode', 'radius', '--radius-secret', secret],
      { dataDir, publicUrl: 'http://127.0.0.1/' });
    assert.equal(added.code, 0, added.err);
    server = await startServerProcess(dataDir, { RADIUS_HOST: '127.0.0.1' });
    const ports = loggedPorts(server.log());
    assert.ok(ports.auth > 0 && ports.acct > 0, server.log());

    const guest = { mac: '02:00:00:00:bb:01', ip: '10.0.0.21' };
    const form = await acceptFormFor(server, guest.mac, guest.ip);
    const accepted = await fetch(new URL('accept', server.url), { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    assert.equal(accepted.status, 307);
    assert.equal(accepted.headers.get('location'), `http://${routerAddress}/index.php?zone=guest`);
    const fields = new URLSearchParams(form);
    const user = fields.get('auth_user')!;

    // The NAS Identifier is the router's id unless the owner chose one.
    const login = accessRequest({
      secret,
      attributes: [
        integer(6, 1), text(1, user), userPassword(fields.get('auth_pass')!), ipv4(4, '10.0.0.1'), text(32, 'cafe'), text(31, guest.mac),
        integer(61, 15), integer(5, 2000), ipv4(8, guest.ip),
      ],
    });
    const reply = await ask(ports.auth, login, secret, { timeoutMs: 2000 });
    assert.equal(reply?.code, 2, server.log());
    assert.equal(reply?.messageAuthenticator, 'valid');
    const start = accountingRequest({
      secret,
      attributes: [integer(6, 1), text(1, user), integer(40, 1), integer(45, 1), integer(6, 1), text(32, 'cafe'), text(44, '0123456789abcdef'), ipv4(8, guest.ip), text(31, guest.mac)],
    });
    assert.equal((await ask(ports.acct, start, secret, { timeoutMs: 2000 }))?.code, 5);
    assert.match(server.log(), /guest online gateway=cafe/);

    server.child.kill('SIGTERM');
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    assert.match(server.log(), /listener stopped listener="RADIUS server"/);
    assert.equal(await ask(ports.acct, start, secret, { timeoutMs: 200, tries: 1 }), null, 'nothing answers once it stopped');
  });
});
