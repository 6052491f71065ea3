import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeAcceptance } from '../app/acceptance-record';
import type { AcceptanceExportRow } from '../app/store/types';
import { openTestStore, runCli, tempDir, testClock } from './helpers';

/** The commands that work on one venue, as a script would run them without --venue. */
const venueScoped = [
  ['settings', 'show'], ['settings', 'set', 'venue_name', 'Somewhere'], ['terms', 'list'], ['terms', 'publish', 'TERMS'],
  ['gateway', 'add', '--type', 'pfsense', '--id', 'stray'], ['gateway', 'list'], ['gateway', 'list', '--json'],
  ['export', 'acceptances'], ['export', 'acceptances', '--format', 'json'], ['stats'], ['stats', '--json'],
];

describe('command line: many venues', () => {
  let dataDir: string;
  let termsFile: string;
  const clock = testClock(Date.UTC(2026, 10, 21, 12));
  const portico = (...argv: string[]) => runCli(argv.map((word) => (word === 'TERMS' ? termsFile : word)), { dataDir, publicUrl: 'http://192.168.10.5:8080/', now: clock });
  const ok = async (...argv: string[]) => {
    const result = await portico(...argv);
    assert.equal(result.code, 0, `${argv.join(' ')}: ${result.err}`);
    return result.out;
  };
  const refused = async (code: number, argv: string[], err: string | RegExp) => {
    const result = await portico(...argv);
    assert.equal(result.code, code, argv.join(' '));
    if (typeof err === 'string') assert.equal(result.err, err, argv.join(' '));
    else assert.match(result.err, err, argv.join(' '));
  };
  const json = async <T>(...argv: string[]) => JSON.parse(await ok(...argv)) as T;

  before(() => {
    dataDir = tempDir();
    termsFile = path.join(dataDir, 'terms.md');
    fs.writeFileSync(termsFile, 'Be kind to the staff.\n');
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('with one venue, every venue-scoped command takes it without --venue, and by --venue <its slug>', async () => {
    await ok('settings', 'set', 'venue_name', 'Harbour Café');
    for (const argv of venueScoped) {
      const args = argv.includes('stray') ? ['gateway', 'add', '--type', 'pfsense', '--id', 'lobby'] : argv;
      await ok(...args);
      await ok(...(args[0] === 'gateway' && args[1] === 'add' ? ['gateway', 'add', '--type', 'pfsense', '--id', 'terrace'] : args), '--venue', 'main');
    }
    await ok('settings', 'set', 'venue_name', 'Harbour Café', '--venue', 'main');
    assert.match(await ok('settings', 'show', '--venue', 'main'), /^venue\tmain\nvenue_name\tHarbour Café\n/);
    assert.deepEqual((await json<{ id: string }[]>('gateway', 'list', '--json', '--venue', 'main')).map((g) => g.id), ['lobby', 'terrace']);
    await ok('gateway', 'remove', 'terrace', '--venue', 'main');
    const terms = (await ok('terms', 'list', '--venue', 'main')).trim().split('\n');
    assert.equal(terms.length, 2, 'the placeholder release and the one published (the second time the same text: not published again)');
  });

  it('names the venues when --venue names none of them, and refuses removing the only venue', async () => {
    const venues = 'venues are: main (see: npx portico venue list)';
    await refused(1, ['settings', 'show', '--venue', 'nowhere'], `portico settings: no venue "nowhere"; ${venues}\n`);
    await refused(1, ['gateway', 'setup', 'lobby', '--venue', 'nowhere'], `portico gateway: no venue "nowhere"; ${venues}\n`);
    await refused(1, ['stats', '--venue', 'nowhere'], `portico stats: no venue "nowhere"; ${venues}\n`);
    await refused(1, ['venue', 'remove', 'main'],
      'portico venue: "main" is the only venue, and a running portal needs one: add another first (npx portico venue add), or change this one (npx portico venue rename)\n');
    await refused(1, ['venue', 'remove', 'main', '--force'], /is the only venue/);
    await refused(2, ['settings', 'show', '--venue'], /argument missing/);
  });

  it('venue add, list (and --json) and rename, refusing a bad or taken slug', async () => {
    const added = await ok('venue', 'add', 'harbour-north', '--name', ' Harbour North ');
    assert.match(added, /^Added venue "harbour-north" \(Harbour North\), with placeholder terms and the time zone [^ ]+\. Next: npx portico settings set timezone <zone> --venue harbour-north/);
    await refused(2, ['venue', 'add', 'west'], /^portico venue: venue add needs --name\n\nUsage: npx portico venue/);
    await refused(1, ['venue', 'add', 'West Side', '--name', 'West'], /^portico venue: A venue's short name must be 1 to 40 lower-case letters, digits and dashes/);
    await refused(1, ['venue', 'add', 'main', '--name', 'Another'], 'portico venue: a venue has the slug "main" already\n');
    await refused(1, ['venue', 'add', 'west', '--name', ' '], /The venue name must be 1 to 100 characters long/);
    await ok('settings', 'set', 'timezone', 'Europe/London', '--venue', 'main');
    await ok('settings', 'set', 'timezone', 'Asia/Tokyo', '--venue', 'harbour-north');

    // By name: Harbour Café before Harbour North.
    assert.equal(await ok('venue', 'list'), 'main\tHarbour Café\t1 router\tEurope/London\nharbour-north\tHarbour North\t0 routers\tAsia/Tokyo\n');
    const listed = await json<{ slug: string; name: string; routers: number; timezone: string; id: number; createdAt: string }[]>('venue', 'list', '--json');
    assert.deepEqual(listed.map(({ slug, name, routers, timezone, createdAt }) => ({ slug, name, routers, timezone, createdAt })), [
      { slug: 'main', name: 'Harbour Café', routers: 1, timezone: 'Europe/London', createdAt: '2026-11-21T12:00:00.000Z' },
      { slug: 'harbour-north', name: 'Harbour North', routers: 0, timezone: 'Asia/Tokyo', createdAt: '2026-11-21T12:00:00.000Z' },
    ]);
    assert.ok(listed.every((venue) => Number.isInteger(venue.id)));

    assert.equal(await ok('venue', 'rename', 'harbour-north', '--slug', 'north', '--name', 'North Quay'), 'Venue "harbour-north" is now "north" (North Quay).\n');
    assert.equal(await ok('venue', 'rename', 'north', '--name', 'The North Quay'), 'Venue "north" is now "north" (The North Quay).\n');
    await refused(2, ['venue', 'rename', 'north'], /venue rename needs --name, --slug or both/);
    await refused(1, ['venue', 'rename', 'north', '--slug', 'main'], 'portico venue: a venue has the slug "main" already\n');
    await refused(1, ['venue', 'rename', 'north', '--slug', 'under_score'], /A venue's short name must be/);
    await refused(1, ['venue', 'rename', 'harbour-north', '--name', 'X'], 'portico venue: no venue "harbour-north"; venues are: main, north (see: npx portico venue list)\n');
    assert.match(await ok('venue', 'list'), /^main\tHarbour Café\t1 router\tEurope\/London\nnorth\tThe North Quay\t0 routers\tAsia\/Tokyo\n$/);
  });

  it('with two venues, a venue-scoped command without --venue refuses, naming the slugs, and changes nothing', async () => {
    for (const argv of venueScoped) {
      await refused(1, argv, `portico ${argv[0]}: this installation has 2 venues (main, north): say which with --venue <slug>\n`);
    }
    assert.match(await ok('settings', 'show', '--venue', 'main'), /^venue_name\tHarbour Café$/m);
    assert.deepEqual((await json<{ id: string }[]>('gateway', 'list', '--json', '--venue', 'north')), []);
    assert.equal((await ok('terms', 'list', '--venue', 'north')).trim().split('\n').length, 1, 'only its placeholder terms');
  });

  it('with --venue, each command works on that venue and no other', async () => {
    await ok('settings', 'set', 'session_minutes', '45', '--venue', 'north');
    assert.match(await ok('settings', 'show', '--venue', 'north'), /^venue\tnorth\nvenue_name\tThe North Quay\n(.*\n)*session_minutes\t45\n/);
    assert.match(await ok('settings', 'show', '--venue', 'main'), /^session_minutes\t240$/m);
    fs.writeFileSync(termsFile, 'The quay is slippery when wet.\n');
    assert.match(await ok('terms', 'publish', termsFile, '--venue', 'north'), /^Published terms release 2 \(en, sha256 [0-9a-f]{64}\)\.\n$/);
    assert.equal((await ok('terms', 'list', '--venue', 'north')).trim().split('\n').length, 2);
    assert.equal((await ok('terms', 'list', '--venue', 'main')).trim().split('\n').length, 2, 'main\'s releases unchanged');
    assert.match(await ok('gateway', 'add', '--type', 'pfsense', '--id', 'quay', '--name', 'Quay', '--venue', 'north'), /^Added pfSense captive portal "quay" at venue "north"\. Next: npx portico gateway setup quay\n$/);
    await refused(1, ['gateway', 'add', '--type', 'pfsense', '--id', 'lobby', '--venue', 'north'], 'portico gateway: gateway "lobby" already exists\n');
    const north = await json<{ id: string; siteId: number }[]>('gateway', 'list', '--json', '--venue', 'north');
    const main = await json<{ id: string; siteId: number }[]>('gateway', 'list', '--json', '--venue', 'main');
    assert.deepEqual([north.map((g) => g.id), main.map((g) => g.id)], [['quay'], ['lobby']]);
    assert.notEqual(north[0].siteId, main[0].siteId);
    assert.match(await ok('gateway', 'list', '--venue', 'north'), /^quay\tpfsense\tQuay\t/);
  });

  it('gateway commands that name a router find it by id at any venue; with --venue it must be that venue\'s', async () => {
    assert.match(await ok('gateway', 'setup', 'quay'), /gateway page quay > portico-quay\.html/);
    assert.match(await ok('gateway', 'page', 'lobby', '--venue', 'main'), /action="http:\/\/192\.168\.10\.5:8080\/pfsense\/lobby"/);
    const notThere = 'portico gateway: venue "main" has no gateway "quay"; see: npx portico gateway list --venue main\n';
    for (const argv of [['setup', 'quay'], ['page', 'quay'], ['rename', 'quay', 'Stolen'], ['remove', 'quay']]) {
      await refused(1, ['gateway', ...argv, '--venue', 'main'], notThere);
    }
    await refused(1, ['gateway', 'remove', 'nowhere', '--venue', 'north'], 'portico gateway: no gateway "nowhere"; see: npx portico gateway list\n');
    assert.equal(await ok('gateway', 'rename', 'quay', 'Quay side', '--venue', 'north'), 'Renamed "quay" to Quay side.\n');
    assert.equal(await ok('gateway', 'rename', 'lobby', 'Lobby'), 'Renamed "lobby" to Lobby.\n');
    assert.deepEqual((await json<{ id: string; name: string }[]>('gateway', 'list', '--json', '--venue', 'north')).map((g) => [g.id, g.name]), [['quay', 'Quay side']]);
  });

  /** One acceptance at each venue at the same instant, by the same phone. */
  const mac = '02:00:00:00:77:01';
  const instant = Date.UTC(2026, 10, 20, 23, 30);

  it('stats and export count each venue\'s own local days: the same instant is the 20th in London and the 21st in Tokyo', async () => {
    const store = openTestStore(dataDir);
    try {
      for (const [slug, gatewayId] of [['main', 'lobby'], ['north', 'quay']]) {
        const site = (await store.findSiteBySlug(slug))!;
        const terms = (await store.currentTerms(site.id))!;
        await store.recordAcceptance(describeAcceptance(site, {
          acceptedAt: instant, gatewayId, termsVersionId: terms.id, deviceId: `device-${slug}`, clientMac: mac,
          clientIp: '192.168.10.20', userAgent: 'Phone', language: 'en', handoff: 'pfsense',
        }));
      }
    } finally {
      await store.close();
    }
    type Figures = { venue: string; timezone: string; days: { day: string; acceptances: number }[]; routers: { id: string }[] };
    const figures = (slug: string, ...more: string[]) => json<Figures>('stats', '--from', '2026-11-20', '--to', '2026-11-21', '--json', '--venue', slug, ...more);
    const london = await figures('main');
    const tokyo = await figures('north');
    assert.deepEqual([london.venue, london.timezone, london.days.map((day) => [day.day, day.acceptances])],
      ['Harbour Café', 'Europe/London', [['2026-11-20', 1], ['2026-11-21', 0]]]);
    assert.deepEqual([tokyo.venue, tokyo.timezone, tokyo.days.map((day) => [day.day, day.acceptances])],
      ['The North Quay', 'Asia/Tokyo', [['2026-11-20', 0], ['2026-11-21', 1]]]);
    assert.deepEqual(tokyo.routers.map((router) => router.id), ['quay']);
    assert.deepEqual((await figures('north', '--gateway', 'quay')).days.map((day) => day.acceptances), [0, 1]);
    await refused(1, ['stats', '--venue', 'main', '--gateway', 'quay'], 'portico stats: This venue has no router "quay".\n');
    assert.match(await ok('stats', '--venue', 'north', '--from', '2026-11-21', '--to', '2026-11-21'), /The North Quay/);

    const exported = (slug: string, day: string) => json<AcceptanceExportRow[]>('export', 'acceptances', '--format', 'json', '--from', day, '--to', day, '--venue', slug);
    assert.deepEqual((await exported('main', '2026-11-20')).map((row) => [row.gatewayId, row.localDay]), [['lobby', '2026-11-20']]);
    assert.deepEqual(await exported('main', '2026-11-21'), []);
    assert.deepEqual((await exported('north', '2026-11-21')).map((row) => [row.gatewayId, row.localDay]), [['quay', '2026-11-21']]);
    assert.deepEqual(await exported('north', '2026-11-20'), []);
    const csv = (await ok('export', 'acceptances', '--venue', 'north')).split('\r\n');
    assert.equal(csv.length, 3, 'header, north\'s one row, trailing empty');
    assert.match(csv[1], /,quay,/);
  });

  it('guest export gives every venue\'s rows unless --venue narrows it; guest forget is the installation\'s and takes no --venue', async () => {
    type Exported = { acceptances: { venue: string; router: string }[]; guestSessions: unknown[] };
    const everywhere = await json<Exported>('guest', 'export', mac);
    assert.deepEqual(everywhere.acceptances.map((row) => [row.venue, row.router]).sort(), [['main', 'lobby'], ['north', 'quay']]);
    assert.deepEqual((await json<Exported>('guest', 'export', mac, '--venue', 'north')).acceptances.map((row) => [row.venue, row.router]), [['north', 'quay']]);
    assert.deepEqual((await json<Exported>('guest', 'export', mac.toUpperCase(), '--venue', 'main')).acceptances.map((row) => row.venue), ['main']);
    await refused(1, ['guest', 'export', mac, '--venue', 'nowhere'], 'portico guest: no venue "nowhere"; venues are: main, north (see: npx portico venue list)\n');
    for (const flag of [['--venue', 'north'], ['--venue=north']]) {
      await refused(2, ['guest', 'forget', mac, ...flag], /^portico guest: guest forget forgets the device at every venue, so it takes no --venue/);
    }
    assert.equal((await json<Exported>('guest', 'export', mac)).acceptances.length, 2, 'a refused forget forgot nothing');
    assert.equal(await ok('guest', 'forget', mac), 'Forgot this device at every venue: 2 acceptances unlinked, 0 guest sessions deleted.\n');
    assert.deepEqual((await json<Exported>('guest', 'export', mac)).acceptances, []);
  });

  it('admin add makes an operator, or with --venue a manager of those venues; grant and revoke; admin list shows each role', async () => {
    const add = (username: string, ...flags: string[]) => runCli(['admin', 'add', username, '--password-stdin', ...flags],
      { dataDir, publicUrl: 'https://wifi.example/', now: clock, stdin: 'a long enough password\n' });
    assert.match((await add('boss')).out, /^Added admin "boss", an operator \(every venue and account\)\. Sign in at https:\/\/wifi\.example\/admin\/login\n$/);
    assert.match((await add('owen', '--operator')).out, /^Added admin "owen", an operator/);
    assert.match((await add('ann', '--venue', 'north', '--venue', 'main', '--venue', 'north')).out, /^Added admin "ann", manager of main, north\. Sign in at/);
    assert.match((await add('nina', '--venue', 'north')).out, /^Added admin "nina", manager of north\./);
    const unknown = await add('bob', '--venue', 'nowhere');
    assert.deepEqual([unknown.code, unknown.err], [1, 'portico admin: no venue "nowhere"; venues are: main, north (see: npx portico venue list)\n']);
    const both = await add('carl', '--operator', '--venue', 'main');
    assert.equal(both.code, 2);
    assert.match(both.err, /^portico admin: an account is an operator \(of every venue\) or a manager of the venues given, not both\n/);
    await refused(2, ['admin', 'passwd', 'ann', '--password-stdin', '--venue', 'main'], /unknown option --venue/);

    const roles = async () => Object.fromEntries((await ok('admin', 'list')).trim().split('\n').map((line) => line.split('\t').slice(0, 2)));
    assert.deepEqual(await roles(), { ann: 'manager of main, north', boss: 'operator', nina: 'manager of north', owen: 'operator' });

    assert.equal(await ok('admin', 'revoke', 'ann', 'main'), '"ann" no longer manages "main": manager of north.\n');
    await refused(1, ['admin', 'revoke', 'ann', 'main'], 'portico admin: "ann" does not manage "main"\n');
    assert.equal(await ok('admin', 'grant', 'ANN', 'main'), '"ann" now manages "main": manager of main, north.\n');
    await refused(1, ['admin', 'grant', 'ann', 'main'], 'portico admin: "ann" manages "main" already\n');
    await refused(1, ['admin', 'grant', 'boss', 'main'], 'portico admin: "boss" is an operator: it manages every venue, "main" too\n');
    await refused(1, ['admin', 'grant', 'nobody', 'main'], 'portico admin: no admin "nobody"; see: npx portico admin list\n');
    await refused(1, ['admin', 'grant', 'ann', 'nowhere'], /^portico admin: no venue "nowhere"; venues are: main, north/);
    await refused(2, ['admin', 'grant', 'ann'], /expected 2 argument\(s\), got 1/);
    assert.equal(await ok('admin', 'revoke', 'nina', 'north'), '"nina" no longer manages "north": manager of no venue (grant one with npx portico admin grant, or remove the account).\n');
    await ok('admin', 'grant', 'nina', 'north');
    assert.deepEqual(await roles(), { ann: 'manager of main, north', boss: 'operator', nina: 'manager of north', owen: 'operator' });
    // Managers never hold the accounts: removing them leaves the operators, and the last operator stays.
    await ok('admin', 'remove', 'owen');
    await refused(1, ['admin', 'remove', 'boss'], 'portico admin: this is the last operator; add another one first (portico admin add --operator)\n');
  });

  it('venue remove is refused while it has routers unless --force, which removes them and keeps the acceptances and terms', async () => {
    await refused(1, ['venue', 'remove', 'north'],
      'portico venue: venue "north" has 1 router (quay): --force removes them with it, keeping its acceptances and sessions as evidence\n');
    assert.equal((await json<unknown[]>('gateway', 'list', '--json', '--venue', 'north')).length, 1, 'nothing removed');
    const northId = (await json<{ slug: string; id: number }[]>('venue', 'list', '--json')).find((venue) => venue.slug === 'north')!.id;
    assert.equal(await ok('venue', 'remove', 'north', '--force'),
      'Removed venue "north" and its 1 router; its terms, acceptances and sessions are kept as evidence, and its managers lost their access to it.\n');
    assert.equal(await ok('venue', 'list'), 'main\tHarbour Café\t1 router\tEurope/London\n');
    const store = openTestStore(dataDir);
    try {
      let kept = 0;
      for await (const row of store.exportAcceptances({ siteId: northId })) kept += row.gatewayId === null ? 1 : 0;
      assert.equal(kept, 1, 'north\'s acceptance is kept, without its router');
      assert.equal((await store.listTerms(northId)).length, 2);
      assert.equal(await store.getGateway('quay'), undefined);
    } finally {
      await store.close();
    }
    const roles = Object.fromEntries((await ok('admin', 'list')).trim().split('\n').map((line) => line.split('\t').slice(0, 2)));
    assert.deepEqual(roles, { ann: 'manager of main', boss: 'operator', nina: 'manager of no venue' });

    // One venue again: the commands take it without --venue; the removed slug names nothing, and is free again.
    for (const argv of venueScoped.filter((args) => !args.includes('stray'))) await ok(...argv);
    await refused(1, ['stats', '--venue', 'north'], 'portico stats: no venue "north"; venues are: main (see: npx portico venue list)\n');
    await refused(1, ['venue', 'remove', 'north'], 'portico venue: no venue "north"; venues are: main (see: npx portico venue list)\n');
    await ok('venue', 'add', 'north', '--name', 'North again');
    assert.equal(await ok('venue', 'remove', 'north'),
      'Removed venue "north"; its terms, acceptances and sessions are kept as evidence, and its managers lost their access to it.\n');
  });

  it('venue add on a new database makes it, with that venue as its only one; the reading commands never make one', async () => {
    const fresh = path.join(tempDir(), 'data');
    const run = (...argv: string[]) => runCli(argv, { dataDir: fresh, publicUrl: 'http://192.168.10.5:8080/', now: clock });
    for (const argv of [['venue', 'list'], ['venue', 'list', '--json'], ['venue', 'remove', 'main'], ['venue', 'rename', 'main', '--name', 'X']]) {
      const result = await run(...argv);
      assert.equal(result.code, 1, argv.join(' '));
      assert.match(result.err, /this command only reads one/);
    }
    const added = await run('venue', 'add', 'cafe', '--name', 'Café');
    assert.equal(added.code, 0, added.err);
    assert.match(added.err, /^portico: created a new database at /);
    assert.equal((await run('venue', 'list')).out, `cafe\tCafé\t0 routers\t${JSON.parse((await run('venue', 'list', '--json')).out)[0].timezone}\n`);
    assert.match((await run('settings', 'show')).out, /^venue\tcafe\n/, 'the only venue, without --venue');
    fs.rmSync(path.dirname(fresh), { recursive: true, force: true });
  });

  it('shows every venue form in usage', async () => {
    const usage = await ok('venue', '--help');
    for (const form of ['venue add <slug> --name <name>', 'venue list [--json]', 'venue rename <slug> [--name <name>] [--slug <new-slug>]', 'venue remove <slug> [--force]']) {
      assert.ok(usage.includes(`  ${form}`), form);
    }
    const all = await ok('--help');
    for (const form of ['settings show [--venue <slug>]', 'terms list [--venue <slug>]', 'gateway setup <id> [--force] [--venue <slug>]', 'guest export <mac> [--venue <slug>]',
      'admin grant <username> <slug>', 'admin revoke <username> <slug>', '[--operator | --venue <slug>...]']) {
      assert.ok(all.includes(form), form);
    }
    assert.match(all, /stats \[[^\n]*\[--venue <slug>\]/);
    assert.match(all, /export acceptances [^\n]*\[--venue <slug>\]/);
    await refused(2, ['venue'], /unknown venue command ""/);
    await refused(2, ['venue', 'list', 'extra'], /expected 0 argument/);
  });
});
