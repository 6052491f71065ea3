import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'node-html-parser';
import request from 'supertest';
import { describeAcceptance } from '../../app/acceptance-record';
import { overviewCsvColumns } from '../../app/admin/overview';
import { hashPassword } from '../../app/admin/passwords';
import { termsTexts } from '../../app/content-digests';
import type { Site } from '../../app/store/types';
import { testPortal, type TestPortal } from '../helpers';
import { csrfOf, ownerPassword } from './admin-helpers';

// 03:30 UTC on 5 May: 05:30 on Tuesday 5 May in Berlin, 23:30 on Monday 4 May in New York.
const now = Date.UTC(2026, 4, 5, 3, 30);
const late = Date.UTC(2026, 4, 4, 23, 30); // Berlin 5 May 01:30, New York 4 May 19:30

/**
 * A Berlin venue (the portal's own) with a router up, one down and one that never reports; a New York
 * venue with one router up and a guest online; an empty venue in UTC; a removed venue with acceptances.
 */
async function seedVenues(portal: TestPortal) {
  const { store } = portal;
  const berlin = await store.updateSite(portal.site.id, { timezone: 'Europe/Berlin' });
  const settings = { websiteUrl: 'https://venue.example/', sessionMinutes: 60, rememberDays: 0, defaultLanguage: 'en', accentColor: '#123456' };
  const newYork = await store.createSite({ ...settings, slug: 'deli', name: 'Deli', timezone: 'America/New_York' }, now - 86_400_000 * 30);
  const empty = await store.createSite({ ...settings, slug: 'empty', name: 'Empty', timezone: 'UTC' }, now - 86_400_000 * 30);
  const gone = await store.createSite({ ...settings, slug: 'zoo', name: 'Zoo', timezone: 'UTC' }, now - 86_400_000 * 30);
  for (const site of [newYork, gone]) await store.publishTerms(site.id, termsTexts([{ language: 'en', body: `Terms of ${site.name}` }]), now - 86_400_000 * 30);

  await store.addGateway({ id: 'bar', siteId: berlin.id, type: 'wifidog', name: 'Bar', settings: { checkIntervalSeconds: 30 } }, now - 86_400_000);
  await store.addGateway({ id: 'hall', siteId: berlin.id, type: 'wifidog', name: 'Hall', settings: { checkIntervalSeconds: 60 } }, now - 86_400_000);
  await store.addGateway({ id: 'terrace', siteId: berlin.id, type: 'pfsense', name: 'Terrace', settings: {} }, now - 86_400_000);
  await store.addGateway({ id: 'deli-door', siteId: newYork.id, type: 'wifidog', name: 'Door', settings: { checkIntervalSeconds: 60 } }, now - 86_400_000);
  await store.addGateway({ id: 'zoo-gate', siteId: gone.id, type: 'wifidog', name: 'Gate', settings: { checkIntervalSeconds: 60 } }, now - 86_400_000);
  await store.recordGatewayContact('bar', { sysUptime: 100 }, now - 10_000);
  await store.recordGatewayContact('hall', { sysUptime: 100 }, now - 3_600_000); // silent for an hour: down
  await store.recordGatewayContact('deli-door', { sysUptime: 100 }, now - 20_000);

  const accept = async (site: Site, gatewayId: string, at: number, device: string) => {
    const terms = (await store.currentTerms(site.id, 'en'))!;
    return store.recordAcceptance(describeAcceptance(site, {
      acceptedAt: at, gatewayId, termsVersionId: terms.id, deviceId: device, clientMac: null, clientIp: '10.0.0.2', userAgent: null, language: 'en', handoff: 'test',
    }));
  };
  await accept(berlin, 'bar', Date.UTC(2026, 4, 3, 12), 'b1');       // Berlin 3 May
  await accept(newYork, 'deli-door', Date.UTC(2026, 4, 3, 12), 'n1'); // New York 3 May
  await accept(berlin, 'bar', late, 'b1');                          // Berlin 5 May
  await accept(newYork, 'deli-door', late, 'n1');                   // New York 4 May
  await accept(berlin, 'hall', Date.UTC(2026, 4, 5, 3, 0), 'b2');   // Berlin 5 May 05:00
  const online = await accept(newYork, 'deli-door', Date.UTC(2026, 4, 5, 3, 10), 'n2'); // New York 4 May 23:10
  await store.openGuestSession({
    gatewayId: 'deli-door', sessionKey: 'n2', acceptanceId: online.id, siteId: newYork.id, deviceId: 'n2', clientMac: null, clientIp: '10.0.0.3',
    startBy: now,
  });
  await store.startGuestSession({
    gatewayId: 'deli-door', sessionKey: 'n2', clientMac: null, clientIp: '10.0.0.3', at: online.acceptedAt + 5_000, localDay: '2026-05-04',
    reportDueAt: now + 180_000,
  });
  await accept(gone, 'zoo-gate', late, 'z1');
  await store.removeSite(gone.id, now - 60_000);
  return { berlin, newYork, empty };
}

/** A supertest agent signed in to `app` as the account (made here, an operator unless said otherwise). */
async function signedIn(portal: TestPortal, username: string, access?: { role: 'manager'; venueIds: number[] }) {
  await portal.store.addAdminUser(username, await hashPassword(ownerPassword), portal.clock(), access);
  const agent = request.agent(portal.app);
  const login = await agent.get('/admin/login').expect(200);
  await agent.post('/admin/login').type('form').send({ _csrf: csrfOf(login.text), username, password: ownerPassword }).expect(303);
  return agent;
}

type Row = { venue: string; href: string; cells: string[] };

function tableRows(html: string): Row[] {
  return parse(html).querySelectorAll('table.overview tbody tr').map((tr) => {
    const link = tr.querySelector('th a')!;
    return { venue: link.text, href: link.getAttribute('href')!, cells: tr.querySelectorAll('td').map((td) => td.text) };
  });
}

const columns = ['Venue', 'Acceptances', 'Devices', 'New devices', 'Sessions', 'Online now', 'Up', 'Down', 'No reports', 'Last acceptance'];

describe('GET /admin/overview', () => {
  let portal: TestPortal;
  let client: ReturnType<typeof request.agent>;
  let ids: Awaited<ReturnType<typeof seedVenues>>;

  before(async () => {
    portal = await testPortal();
    portal.clock.set(now);
    ids = await seedVenues(portal);
    client = await signedIn(portal, 'owner');
  });
  after(() => portal.close());

  it('shows every venue not removed, "today" being each venue\'s own day, with its routers\' health and last acceptance', async () => {
    const res = await client.get('/admin/overview?period=today');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(res.text, /<p class="period-text">Today: (?:2026-05-05 or 2026-05-04|2026-05-04 or 2026-05-05) /);
    assert.deepEqual(parse(res.text).querySelectorAll('table.overview thead th').map((th) => th.text.trim().replace(/ [▲▼]$/, '')), columns);
    assert.deepEqual(tableRows(res.text), [
      // Berlin's 5 May: the two acceptances after its midnight; New York's 4 May: two, and the guest online.
      { venue: 'Café Test', href: `/admin/venues/${ids.berlin.id}/dashboard`, cells: ['2', '2', '1', '0', '0', '1', '1', '1', '5 May 2026, 05:00'] },
      { venue: 'Deli', href: `/admin/venues/${ids.newYork.id}/dashboard`, cells: ['2', '2', '1', '1', '1', '1', '0', '0', '4 May 2026, 23:10'] },
      { venue: 'Empty', href: `/admin/venues/${ids.empty.id}/dashboard`, cells: ['0', '0', '0', '0', '0', '0', '0', '0', 'never'] },
    ]);
    assert.doesNotMatch(res.text, /Zoo/);
    assert.doesNotMatch(res.text, /<script|style=/);
    assert.match(res.text, /class="status down">1</);
    assert.equal(parse(res.text).querySelector('a[download]')!.getAttribute('href'), '/admin/overview.csv?period=today');
  });

  it('applies a custom period\'s days to each venue in its own time zone, and 7 days by default', async () => {
    const custom = await client.get('/admin/overview?from=2026-05-04&to=2026-05-04').expect(200);
    assert.match(custom.text, /<p class="period-text">2026-05-04 /);
    assert.deepEqual(tableRows(custom.text).map((row) => [row.venue, row.cells[0]]), [['Café Test', '0'], ['Deli', '2'], ['Empty', '0']]);
    assert.match(custom.text, /name="from" value="2026-05-04"/);
    const week = await client.get('/admin/overview').expect(200);
    assert.match(week.text, /aria-current="page">7 days</);
    assert.deepEqual(tableRows(week.text).map((row) => [row.venue, row.cells[0], row.cells[1], row.cells[2]]),
      [['Café Test', '3', '2', '2'], ['Deli', '3', '2', '2'], ['Empty', '0', '0', '0']]);
  });

  it('sorts by any column through the links in its headings, toggling the order of the current one', async () => {
    const byAcceptances = await client.get('/admin/overview?from=2026-05-04&to=2026-05-04&sort=acceptances&order=desc').expect(200);
    assert.deepEqual(tableRows(byAcceptances.text).map((row) => row.venue), ['Deli', 'Café Test', 'Empty']);
    const headings = parse(byAcceptances.text).querySelectorAll('table.overview thead th');
    const acceptances = headings.find((th) => th.text.startsWith('Acceptances'))!;
    assert.equal(acceptances.getAttribute('aria-sort'), 'descending');
    assert.equal(acceptances.querySelector('a')!.getAttribute('href'), '/admin/overview?from=2026-05-04&to=2026-05-04&sort=acceptances&order=asc');
    const venue = headings.find((th) => th.text.startsWith('Venue'))!;
    assert.equal(venue.querySelector('a')!.getAttribute('href'), '/admin/overview?from=2026-05-04&to=2026-05-04');
    // The period form keeps the order.
    assert.match(byAcceptances.text, /<input type="hidden" name="sort" value="acceptances">/);

    const ascending = await client.get(acceptances.querySelector('a')!.getAttribute('href')!).expect(200);
    assert.deepEqual(tableRows(ascending.text).map((row) => row.venue), ['Café Test', 'Empty', 'Deli']);
    const down = await client.get('/admin/overview?period=today&sort=routersDown&order=desc').expect(200);
    assert.deepEqual(tableRows(down.text).map((row) => row.venue), ['Café Test', 'Deli', 'Empty']);
    const last = await client.get('/admin/overview?sort=lastAcceptanceAt').expect(200);
    assert.deepEqual(tableRows(last.text).map((row) => row.venue), ['Deli', 'Café Test', 'Empty']);
    const lastFirst = await client.get('/admin/overview?sort=lastAcceptanceAt&order=asc').expect(200);
    assert.deepEqual(tableRows(lastFirst.text).map((row) => row.venue), ['Empty', 'Café Test', 'Deli']);
    const byName = await client.get('/admin/overview?sort=venue&order=desc').expect(200);
    assert.deepEqual(tableRows(byName.text).map((row) => row.venue), ['Empty', 'Deli', 'Café Test']);
    for (const column of ['uniqueDevices', 'newDevices', 'sessions', 'onlineNow', 'routersUp', 'routersNoReports']) {
      await client.get(`/admin/overview?sort=${column}&order=asc`).expect(200);
    }
  });

  it('downloads the same rows and columns as a CSV with named fields, ISO days and times', async () => {
    const res = await client.get('/admin/overview.csv?period=today&sort=acceptances&order=desc').expect(200);
    assert.match(res.headers['content-type'], /^text\/csv/);
    assert.equal(res.headers['content-disposition'], 'attachment; filename="venues-today.csv"');
    const lines = res.text.split('\r\n').filter(Boolean);
    assert.equal(lines[0], overviewCsvColumns.join(','));
    assert.deepEqual(lines.slice(1), [
      `${ids.berlin.id},Café Test,main,Europe/Berlin,2026-05-05,2026-05-05,2,2,1,0,0,1,1,1,2026-05-05T03:00:00.000Z`,
      `${ids.newYork.id},Deli,deli,America/New_York,2026-05-04,2026-05-04,2,2,1,1,1,1,0,0,2026-05-05T03:10:00.000Z`,
      `${ids.empty.id},Empty,empty,UTC,2026-05-05,2026-05-05,0,0,0,0,0,0,0,0,`,
    ]);
    const custom = await client.get('/admin/overview.csv?from=2026-05-01&to=2026-05-04').expect(200);
    assert.equal(custom.headers['content-disposition'], 'attachment; filename="venues-2026-05-01-to-2026-05-04.csv"');
    assert.deepEqual(custom.text.split('\r\n').filter(Boolean).slice(1).map((line) => line.split(',').slice(4, 7)),
      [['2026-05-01', '2026-05-04', '1'], ['2026-05-01', '2026-05-04', '3'], ['2026-05-01', '2026-05-04', '0']]);
  });

  const badQueries = [
    'period=year', 'from=2026-02-30', 'from=2026-3-1', 'from=2026-05-02&to=2026-05-01', 'from=2025-01-01&to=2026-03-01', 'period=custom',
    'from=2026-05-01', 'from=2026-05-01&from=2026-05-02', 'to=yesterday', 'sort=name', 'sort=venue&sort=acceptances', 'order=up',
    `sort=${'x'.repeat(100)}`,
  ];
  for (const query of badQueries) {
    it(`refuses ?${query} with the page at 400, and the CSV with the admin's error page`, async () => {
      const page = await client.get(`/admin/overview?${query}`);
      assert.equal(page.status, 400, `${query}: ${page.text.slice(0, 300)}`);
      assert.match(page.text, /<p class="error" role="alert" id="period-error">/);
      assert.match(page.text, /The figures below are of the last 7 days\./);
      assert.equal(tableRows(page.text).length, 3);
      const csv = await client.get(`/admin/overview.csv?${query}`);
      assert.equal(csv.status, 400, `${query}: ${csv.text.slice(0, 300)}`);
      assert.match(csv.text, /<h1>Something is not right<\/h1>/);
    });
  }

  it('says what is wrong with a period in plain words, keeping the days typed', async () => {
    const backwards = await client.get('/admin/overview?from=2026-05-02&to=2026-05-01').expect(400);
    assert.match(backwards.text, /The period would start on 2026-05-02, after its last day \(2026-05-01\)/);
    assert.match(backwards.text, /name="from" value="2026-05-02"/);
    assert.match(backwards.text, /name="to" value="2026-05-01"/);
    const open = await client.get('/admin/overview?from=2026-05-01').expect(400);
    assert.match(open.text, /Choose the last day of the period too: each venue has its own today\./);
  });

  it('is where an operator of several venues lands, and in their menu', async () => {
    await client.get('/admin/').expect(303).expect('Location', '/admin/overview');
    const menu = parse((await client.get(`/admin/venues/${ids.newYork.id}/dashboard`).expect(200)).text).querySelectorAll('nav a').map((a) => a.text);
    assert.ok(menu.includes('Overview'), menu.join(', '));
  });

  it('is not there for a venue manager (404, as for a page that does not exist), nor for anyone signed out', async () => {
    const manager = await signedIn(portal, 'manager', { role: 'manager', venueIds: [ids.berlin.id] });
    const page = await manager.get('/admin/overview');
    assert.equal(page.status, 404);
    assert.doesNotMatch(page.text, /Deli|Café Test/);
    await manager.get('/admin/overview.csv').expect(404);
    await request(portal.app).get('/admin/overview').expect(303).expect('Location', '/admin/login');
    await request(portal.app).get('/admin/overview.csv').expect(303).expect('Location', '/admin/login');
  });
});

describe('the overview without venues\' figures', () => {
  it('shows a venue without routers or acceptances as zeros', async () => {
    const portal = await testPortal();
    try {
      const client = await signedIn(portal, 'owner');
      const res = await client.get('/admin/overview?period=30d').expect(200);
      assert.deepEqual(tableRows(res.text).map((row) => row.cells), [['0', '0', '0', '0', '0', '0', '0', '0', 'never']]);
    } finally {
      await portal.close();
    }
  });
});
