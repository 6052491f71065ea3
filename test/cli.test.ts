import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { csvCell } from '../app/acceptance-csv';
import { drivers } from '../app/gateways';
import { projectRoot } from '../app/paths';
import { openTestStore, runCli, tempDir, testClock } from './helpers';
import { describeAcceptance } from '../app/acceptance-record';

describe('command line', () => {
  let dataDir: string;
  const clock = testClock();

  const portico = (...argv: string[]) => runCli(argv, { dataDir, publicUrl: 'http://192.168.10.5:8080/', now: clock });

  before(() => { dataDir = tempDir(); });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('adds, lists and explains a pfSense gateway', async () => {
    assert.equal((await portico('gateway', 'add', '--type', 'pfsense', '--id', 'lobby', '--name', 'Lobby', '--address', '192.168.10.1:8002')).code, 0);
    const list = await portico('gateway', 'list', '--json');
    assert.deepEqual(JSON.parse(list.out).map((g: { id: string; type: string; settings: unknown }) => [g.id, g.type, g.settings]),
      [['lobby', 'pfsense', { address: '192.168.10.1:8002', mode: 'none' }]]);
    const setup = await portico('gateway', 'setup', 'lobby');
    assert.equal(setup.code, 0);
    for (const text of [
      "Authentication Method: None, don't authenticate users", 'After authentication Redirection URL', 'Logout popup', 'gateway page lobby > portico-lobby.html',
      'Hard timeout (Minutes): 240', 'Idle timeout (Minutes): 30', 'Allowed IP Addresses tab', 'IP Address: 192.168.10.5', 'Mask: 32', 'Direction: Both',
      'Default and Maximum lease time', 'lease time, in seconds, longer than the hard timeout: 18000\n', 'DNS Resolver',
    ]) {
      assert.ok(setup.out.includes(text), `setup mentions ${text}`);
    }
    assert.doesNotMatch(setup.out, /Allowed Hostnames/, 'an IP address is allowed by address');
    const byName = await runCli(['gateway', 'setup', 'lobby'], { dataDir, publicUrl: 'https://wifi.harbour.example/', now: clock });
    assert.match(byName.out, /Allowed Hostnames tab › Add\n +Hostname: wifi\.harbour\.example\n +Direction: Both/);
    const page = await portico('gateway', 'page', 'lobby');
    assert.match(page.out, /action="http:\/\/192\.168\.10\.5:8080\/pfsense\/lobby"/);
    for (const placeholder of ['$PORTAL_ACTION$', '$PORTAL_ZONE$', '$PORTAL_REDIRURL$', '$CLIENT_MAC$', '$CLIENT_IP$']) assert.ok(page.out.includes(placeholder));
  });

  it('takes the pfSense address as guests reach it, pasted or typed, and refuses a public one', async () => {
    assert.equal((await portico('gateway', 'add', '--type', 'pfsense', '--id', 'terrace', '--address', 'http://[fd00::1]:8004/')).code, 0);
    assert.equal((await portico('gateway', 'add', '--type', 'pfsense', '--id', 'garden', '--address', 'portal.cafe.lan:8002')).code, 0);
    const refused = await portico('gateway', 'add', '--type', 'pfsense', '--id', 'roof', '--address', '8.8.8.8:8002');
    assert.equal(refused.code, 1);
    assert.match(refused.err, /8\.8\.8\.8 is a public address/);
    const gateways = JSON.parse((await portico('gateway', 'list', '--json')).out) as { id: string; settings: unknown }[];
    assert.deepEqual(gateways.filter((g) => g.id !== 'lobby').map((g) => [g.id, g.settings]),
      [['garden', { address: 'portal.cafe.lan:8002', mode: 'none' }], ['terrace', { address: '[fd00::1]:8004', mode: 'none' }]]);
    for (const id of ['terrace', 'garden']) assert.equal((await portico('gateway', 'remove', id)).code, 0);
  });

  it('refuses a duplicate or malformed gateway without a stack trace', async () => {
    for (const args of [
      ['gateway', 'add', '--type', 'pfsense', '--id', 'lobby'],
      ['gateway', 'add', '--type', 'cisco', '--id', 'x'],
      ['gateway', 'add', '--type', 'pfsense', '--id', 'bad id!'],
      ['gateway', 'add', '--type', 'pfsense', '--id', 'y', '--address', 'http://x/index.php'],
      ['gateway', 'setup', 'missing'],
    ]) {
      const result = await portico(...args);
      assert.equal(result.code, 1, args.join(' '));
      assert.match(result.err, /^portico gateway: /);
      assert.doesNotMatch(result.err, /\n[ \t]+at /);
    }
  });

  it('renames and removes a gateway, keeping what it recorded', async () => {
    assert.equal((await portico('gateway', 'add', '--type', 'pfsense', '--id', 'hall')).code, 0);
    assert.deepEqual(await portico('gateway', 'rename', 'hall', '  Function room '), { code: 0, out: 'Renamed "hall" to Function room.\n', err: '' });
    const named = JSON.parse((await portico('gateway', 'list', '--json')).out) as { id: string; name: string }[];
    assert.equal(named.find((gateway) => gateway.id === 'hall')?.name, 'Function room');
    assert.match((await portico('gateway', 'rename', 'hall', ' ')).err, /^portico gateway: The router needs a name\.\n$/);
    assert.equal((await portico('gateway', 'remove', 'hall')).code, 0);
    const left = JSON.parse((await portico('gateway', 'list', '--json')).out) as { id: string }[];
    assert.equal(left.some((gateway) => gateway.id === 'hall'), false);
    for (const args of [['remove', 'hall'], ['rename', 'nowhere', 'X']]) {
      const missing = await portico('gateway', ...args);
      assert.deepEqual([missing.code, missing.err], [1, `portico gateway: no gateway "${args[1]}"; see: npx portico gateway list\n`]);
    }
  });

  it('never makes a database for a command that only reads, and says when a writing one makes it', async () => {
    const elsewhere = path.join(tempDir(), 'not-the-data');
    const where = path.join(elsewhere, 'portico.db');
    for (const args of [['settings', 'show'], ['terms', 'list'], ['gateway', 'list'], ['stats'], ['export', 'acceptances'], ['admin', 'list']]) {
      const result = await runCli(args, { dataDir: elsewhere, publicUrl: 'http://192.168.10.5:8080/' });
      assert.equal(result.code, 1, args.join(' '));
      assert.equal(result.err, `portico ${args[0]}: there is no Portico database at ${where}, and this command only reads one. `
        + 'Run it in the folder where you run npm start, or set DATA_DIR to Portico\'s data folder.\n');
      assert.equal(fs.existsSync(where), false, `${args.join(' ')} made no database`);
    }
    const set = await runCli(['settings', 'set', 'venue_name', 'Harbour Café'], { dataDir: elsewhere, publicUrl: 'http://192.168.10.5:8080/' });
    assert.deepEqual([set.code, set.err], [0, `portico: created a new database at ${where}\n`]);
    const show = await runCli(['settings', 'show'], { dataDir: elsewhere, publicUrl: 'http://192.168.10.5:8080/' });
    assert.deepEqual([show.code, show.err], [0, '']);
    assert.match(show.out, /^venue_name\tHarbour Café$/m);
  });

  it('prints usage and exits non-zero on wrong arguments', async () => {
    for (const args of [[], ['nonsense'], ['gateway'], ['gateway', 'add', '--bogus'], ['gateway', 'setup'], ['settings', 'set', 'timezone'], ['export', 'acceptances', '--format', 'xml'], ['export', 'acceptances', '--from', 'yesterday']]) {
      const result = await portico(...args);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.err, /Usage: npx portico/);
    }
    assert.equal((await portico('help')).code, 0);
  });

  it('prints --version from package.json and each command\'s usage with --help', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    assert.deepEqual(await portico('--version'), { code: 0, out: `${version}\n`, err: '' });
    const help = await portico('gateway', '--help');
    assert.equal(help.code, 0);
    assert.match(help.out, /^Usage: npx portico gateway/);
    assert.doesNotMatch(help.out, /settings set/);
    assert.deepEqual(await portico('gateway', 'add', '--help'), help);
    const all = (await portico('--help')).out;
    for (const command of ['gateway add', 'settings set', 'terms publish', 'export acceptances', 'admin add', 'stats', 'backup', 'purge', 'guest forget']) {
      assert.ok(all.includes(`  ${command}`), `usage lists ${command}`);
    }
    const unknownFlag = await portico('stats', '--bogus');
    assert.equal(unknownFlag.code, 2);
    // The flag named in plain words, not Node's parser advice with its unbalanced quote.
    assert.match(unknownFlag.err, /^portico stats: unknown option --bogus\n\nUsage: npx portico stats/);
  });

  it('takes gateway add\'s flags from the drivers\' options, each listed in usage with its help', async () => {
    const usage = (await portico('gateway', '--help')).out;
    for (const driver of drivers.values()) {
      for (const option of driver.options) assert.ok(usage.includes(`[--${option.name} ${option.placeholder}]`), `usage shows --${option.name}`);
    }
    assert.equal((await portico('gateway', 'add', '--type', 'wifidog', '--id', 'porch', '--check-interval', '120', '--router-address', '192.0.2.9')).code, 0);
    const list = JSON.parse((await portico('gateway', 'list', '--json')).out) as { id: string; settings: unknown }[];
    assert.deepEqual(list.find((g) => g.id === 'porch')?.settings, { checkIntervalSeconds: 120, routerAddress: '192.0.2.9' });
  });

  it('runs stats without loading Express: the drivers\' health models come with the drivers alone', () => {
    // stats --json has a whole-command budget (bench/run.ts); Express alone takes a tenth of a second to load.
    const script = `require(${JSON.stringify(path.join(projectRoot, 'dist/app/cli/index.js'))}).main(['stats', '--json'])
      .then((code) => console.log(code, Object.keys(require.cache).some((file) => file.includes('/node_modules/express/'))));`;
    const output = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, DATA_DIR: dataDir, PUBLIC_URL: 'http://192.168.10.5:8080/' } });
    assert.match(String(output), /^0 false$/m);
  });

  it('sets and shows the venue settings, refusing bad values', async () => {
    assert.equal((await portico('settings', 'set', 'venue_name', 'The Anchor')).code, 0);
    assert.equal((await portico('settings', 'set', 'website_url', 'https://anchor.example/')).code, 0);
    assert.equal((await portico('settings', 'set', 'timezone', 'Europe/London')).code, 0);
    assert.equal((await portico('settings', 'set', 'session_minutes', '90')).code, 0);
    const shown = (await portico('settings', 'show')).out;
    for (const line of ['venue_name\tThe Anchor', 'website_url\thttps://anchor.example/', 'timezone\tEurope/London', 'session_minutes\t90']) assert.ok(shown.includes(line), line);
    for (const [key, value] of [['timezone', 'Mars/Base'], ['website_url', 'javascript:alert(1)'], ['session_minutes', '0'], ['session_minutes', '1.5'], ['colour', 'red'], ['accent_color', 'red']]) {
      const result = await portico('settings', 'set', key, value);
      assert.equal(result.code, 1, `${key}=${value}`);
    }
  });

  it('publishes terms as new releases and lists them with their hash', async () => {
    const file = path.join(dataDir, 'terms.md');
    fs.writeFileSync(file, '# House rules\n\nBe nice.\n');
    const published = await portico('terms', 'publish', file);
    assert.match(published.out, /release 2 \(en, sha256 [0-9a-f]{64}\)/);
    fs.writeFileSync(file, 'Sei nett.');
    // One language published: the release before's other languages come with it, so English guests keep English.
    assert.match((await portico('terms', 'publish', file, '--language', 'de')).out, /release 3 \(de, sha256 [0-9a-f]{64}\), with the en text of the release before\./);
    const list = (await portico('terms', 'list')).out.trim().split('\n');
    assert.equal(list.length, 4);
    assert.deepEqual(list.filter((line) => line.startsWith('release 3\t')).map((line) => line.split('\t')[1]).sort(), ['de', 'en']);
    const store = openTestStore(dataDir);
    const site = (await store.getDefaultSite())!;
    assert.deepEqual([(await store.currentTerms(site.id, 'en'))?.body, (await store.currentTerms(site.id, 'de'))?.body], ['# House rules\n\nBe nice.', 'Sei nett.']);
    await store.close();
    // The same text again makes no release; a language the guest page does not speak is refused.
    const again = await portico('terms', 'publish', file, '--language', 'de');
    assert.deepEqual([again.code, again.out], [0, 'The current terms already hold this de text: nothing published.\n']);
    const unknown = await portico('terms', 'publish', file, '--language', 'xx');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /--language must be one of the languages the guest page speaks: en, de, fr, es, it, nl; "xx" is not one of them\./);
    assert.equal((await portico('terms', 'list')).out.trim().split('\n').length, 4);
    // The default language is one the guest page speaks and the current release holds.
    assert.match((await portico('settings', 'set', 'default_language', 'xx')).err, /The default language must be one of the languages the guest page speaks/);
    const noFrench = await portico('settings', 'set', 'default_language', 'fr');
    assert.equal(noFrench.code, 1);
    assert.match(noFrench.err, /The current terms \(release 3\) have no fr text: publish one first/);
    assert.equal((await portico('settings', 'set', 'default_language', 'de')).code, 0);
    assert.equal((await portico('terms', 'publish', path.join(dataDir, 'missing.md'))).code, 1);
    fs.writeFileSync(file, '  \n');
    assert.equal((await portico('terms', 'publish', file)).code, 1);
  });

  it('exports acceptances as CSV and JSON, by venue-local day', async () => {
    const store = openTestStore(dataDir);
    const site = (await store.getDefaultSite())!;
    const terms = (await store.currentTerms(site.id))!;
    for (const [day, agent] of [[Date.UTC(2026, 10, 1, 9), 'Phone, "quoted"'], [Date.UTC(2026, 10, 2, 23, 30), '=HYPERLINK("x")']] as const) {
      await store.recordAcceptance(describeAcceptance(site, {
        acceptedAt: day, gatewayId: 'lobby', termsVersionId: terms.id, deviceId: 'd', clientMac: '02:00:00:00:00:01',
        clientIp: '192.168.10.20', userAgent: agent, language: 'en', handoff: 'pfsense http://192.168.10.1:8002',
      }));
    }
    await store.close();
    const csv = (await portico('export', 'acceptances')).out.split('\r\n');
    assert.equal(csv[0], 'id,acceptedAt,localDay,gatewayId,termsRelease,termsLanguage,termsSha256,clientMac,clientIp,userAgent,language,handoff,routerUnauthenticated');
    assert.equal(csv.length, 4); // header, two rows, trailing empty
    assert.ok(csv[1].includes('"Phone, ""quoted"""'));
    assert.ok(csv[2].includes(`"'=HYPERLINK(""x"")"`), 'formula neutralised');
    // London keeps GMT in November: 23:30 UTC is still the 2nd there.
    const json = JSON.parse((await portico('export', 'acceptances', '--format', 'json', '--from', '2026-11-02', '--to', '2026-11-02')).out);
    assert.equal(json.length, 1);
    assert.equal(json[0].localDay, '2026-11-02');
    assert.equal(json[0].acceptedAt, '2026-11-02T23:30:00.000Z');
    assert.equal(JSON.parse((await portico('export', 'acceptances', '--format', 'json', '--from', '2026-12-01')).out).length, 0);
  });

  it('neutralises spreadsheet formulas in CSV cells', () => {
    assert.equal(csvCell('+1'), "'+1");
    assert.equal(csvCell('-1'), "'-1");
    assert.equal(csvCell('@x'), "'@x");
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(12), '12');
  });
});
