import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'node-html-parser';
import { acceptanceCsvColumns } from '../../app/acceptance-csv';
import { seedStatisticsFixture } from '../fixtures/statistics';
import { testPortal, type TestPortal } from '../helpers';
import { signedInAgent } from './admin-helpers';
import { describeAcceptance } from '../../app/acceptance-record';

function cards(html: string): Record<string, string> {
  return Object.fromEntries(parse(html).querySelectorAll('.card').map((card) => [card.querySelector('dt')!.text, card.querySelector('dd')!.text]));
}

describe('GET /admin/venues/1/dashboard', () => {
  let portal: TestPortal;
  let client: Awaited<ReturnType<typeof signedInAgent>>['agent'];

  before(async () => {
    portal = await testPortal();
    await seedStatisticsFixture(portal);
    portal.clock.set(Date.parse('2026-03-30T10:00:00Z'));
    client = (await signedInAgent(portal)).agent;
  });
  after(() => portal.close());

  it('shows the hand-counted figures of a custom period, with charts and tables but no inline script or style', async () => {
    const res = await client.get('/admin/venues/1/dashboard?from=2026-03-28&to=2026-03-30');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.deepEqual(cards(res.text), {
      'Acceptances': '6', 'Unique devices': '3', 'New devices': '3', 'Returning devices': '0', 'Online now': '1', 'Sessions': '5',
      'Average session': '9 min 00 s', 'Median session': '7 min 30 s', 'Data used': '4.1 kB',
    });
    const page = parse(res.text);
    assert.equal(page.querySelectorAll('svg.chart').length, 2);
    const dayRows = page.querySelectorAll('#days-title ~ details tbody tr').map((tr) => tr.querySelectorAll('th, td').map((cell) => cell.text));
    assert.deepEqual(dayRows, [['2026-03-28', '1', '1', '0'], ['2026-03-29', '4', '2', '1'], ['2026-03-30', '1', '0', '1']]);
    const sunday = page.querySelectorAll('table.hours tbody tr')[6].querySelectorAll('td').map((td) => td.text);
    assert.deepEqual([sunday[0], sunday[1], sunday[2], sunday[3], sunday[23]], ['1', '1', '0', '1', '1']);
    assert.match(res.text, /Randomised \(private\) Wi-Fi addresses in this period: <strong>67%<\/strong>/);
    assert.match(res.text, /<th scope="row">Android<\/th><td>2<\/td><td>33%<\/td>/);
    assert.match(res.text, /<th scope="row">Release 2<\/th><td>5<\/td><td>83%<\/td>/);
    assert.doesNotMatch(res.text, /<script|style=/);
    assert.match(res.headers['content-security-policy'], /script-src 'self'/);
    assert.match(page.querySelector('a[download]')!.getAttribute('href')!, /^\/admin\/venues\/1\/dashboard\.csv\?from=2026-03-28&to=2026-03-30$/);
  });

  it('shows the router filter and each router\'s health', async () => {
    const res = await client.get('/admin/venues/1/dashboard?period=custom&from=2026-03-28&to=2026-03-30&gateway=terrace');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual([cards(res.text)['Acceptances'], cards(res.text)['New devices']], ['2', '2']);
    const page = parse(res.text);
    assert.equal(page.querySelector('select[name=gateway] option[selected]')!.getAttribute('value'), 'terrace');
    const routers = page.querySelector('#routers-title')!.parentNode!;
    assert.match(routers.text, /Terrace[\s\S]*No reports/);
    // Each router by name, kind and id, linked to its page.
    const terrace = routers.querySelectorAll('th[scope=row]').find((cell) => cell.text.includes('Terrace'))!;
    assert.equal(terrace.querySelector('a')!.getAttribute('href'), '/admin/venues/1/routers/terrace');
    assert.match(terrace.text, /(DD-WRT|pfSense)[^·]*· id terrace/);
  });

  it('counts "today" and "7 days" in the venue\'s days', async () => {
    // 2026-03-29T22:30Z is already Monday 30 March in Berlin.
    portal.clock.set(Date.parse('2026-03-29T22:30:00Z'));
    const today = await client.get('/admin/venues/1/dashboard?period=today');
    assert.equal(today.status, 200);
    assert.match(today.text, /<p class="period-text">2026-03-30 /);
    assert.equal(cards(today.text)['Acceptances'], '1');
    const week = await client.get('/admin/venues/1/dashboard');
    assert.match(week.text, /2026-03-24 to 2026-03-30/);
    assert.equal(cards(week.text)['Acceptances'], '6');
    assert.match(week.text, /aria-current="page">7 days</);
  });

  const badQueries = [
    'period=year', 'from=2026-02-30', 'from=2026-3-1', 'from=2026-03-02&to=2026-03-01', 'from=2025-01-01&to=2026-03-01',
    'period=custom', 'from=2026-03-01&from=2026-03-02', 'gateway=nowhere', 'gateway=../etc', `gateway=${'x'.repeat(65)}`, 'to=yesterday',
  ];
  for (const query of badQueries) {
    it(`refuses ?${query} on the dashboard itself, and on its download with the admin's error page`, async () => {
      const page = await client.get(`/admin/venues/1/dashboard?${query}`);
      assert.equal(page.status, 400, `${query}: ${page.text.slice(0, 200)}`);
      assert.match(page.text, /<p class="error" role="alert" id="period-error">/);
      assert.match(page.text, /aria-current="page">Dashboard/);
      assert.match(page.text, /<form method="get" action="\/admin\/venues\/1\/dashboard" class="period-form">/);
      const csv = await client.get(`/admin/venues/1/dashboard.csv?${query}`);
      assert.equal(csv.status, 400, `${query}: ${csv.text.slice(0, 200)}`);
      assert.match(csv.text, /<h1>Something is not right<\/h1>/);
      assert.match(csv.text, /<nav aria-label="Admin pages">/);
      assert.match(csv.text, /<a class="back" href="\/admin\/venues\/1\/dashboard">Back to the dashboard<\/a>/);
    });
  }

  it('says in plain words what is wrong with a period, keeping the days typed', async () => {
    const backwards = await client.get('/admin/venues/1/dashboard?period=custom&from=2026-03-02&to=2026-03-01').expect(400);
    assert.match(backwards.text, /The period would start on 2026-03-02, after its last day \(2026-03-01\): choose a first day on or before the last\./);
    assert.match(backwards.text, /name="from" value="2026-03-02"/);
    assert.match(backwards.text, /name="to" value="2026-03-01"/);
    const long = await client.get('/admin/venues/1/dashboard?from=2025-01-01&to=2026-03-01').expect(400);
    assert.match(long.text, /A period can be at most a year \(366 days\); 2025-01-01 to 2026-03-01 is 425 days\./);
    const router = await client.get('/admin/venues/1/dashboard?gateway=nowhere').expect(400);
    assert.match(router.text, /This venue has no router &#34;nowhere&#34;: choose one from the list\./);
    const typo = await client.get('/admin/venues/1/dashboard?from=2026-3-1').expect(400);
    assert.match(typo.text, /The first day of the period is not a date/);
    assert.match(typo.text, /The figures below are of the last 7 days\./);
    assert.equal(cards(typo.text)['Acceptances'], '6');
  });
});

describe('GET /admin/venues/1/dashboard.csv', () => {
  let portal: TestPortal;
  let client: Awaited<ReturnType<typeof signedInAgent>>['agent'];

  before(async () => {
    portal = await testPortal();
    await seedStatisticsFixture(portal);
    client = (await signedInAgent(portal)).agent;
  });
  after(() => portal.close());

  it('downloads the acceptances of the period with the columns of `export acceptances`', async () => {
    const res = await client.get('/admin/venues/1/dashboard.csv?from=2026-03-29&to=2026-03-30');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/csv/);
    assert.equal(res.headers['content-disposition'], 'attachment; filename="acceptances-2026-03-29-to-2026-03-30.csv"');
    const lines = res.text.split('\r\n').filter(Boolean);
    assert.equal(lines[0], acceptanceCsvColumns.join(','));
    assert.deepEqual(lines.slice(1).map((line) => line.split(',')[1]),
      ['2026-03-28T23:30:00.000Z', '2026-03-29T00:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-29T21:59:00.000Z', '2026-03-29T22:00:00.000Z']);
    const terrace = await client.get('/admin/venues/1/dashboard.csv?from=2026-03-28&to=2026-03-30&gateway=terrace');
    assert.deepEqual(terrace.text.split('\r\n').filter(Boolean).slice(1).map((line) => line.split(',')[3]), ['terrace', 'terrace']);
  });

  it('pages through long periods without blocking acceptances being recorded meanwhile', async () => {
    const site = (await portal.store.getDefaultSite())!;
    const terms = (await portal.store.currentTerms(site.id))!;
    const record = (at: number) => portal.store.recordAcceptance(describeAcceptance(site, {
      acceptedAt: at, gatewayId: 'hall', termsVersionId: terms.id, deviceId: null, clientMac: null, clientIp: null, userAgent: null, language: 'en', handoff: 'test',
    }));
    const start = Date.parse('2026-06-01T10:00:00Z');
    for (let i = 0; i < 2100; i++) await record(start + i * 60_000);
    let seen = 0;
    for await (const row of portal.store.exportAcceptances({ siteId: site.id, fromDay: '2026-06-01', toDay: '2026-06-03', gatewayId: 'hall' })) {
      // A guest accepting while the download runs: a statement left open would make this throw.
      if (seen === 1500) await record(Date.parse('2026-07-01T10:00:00Z'));
      assert.equal(row.acceptedAt, new Date(start + seen * 60_000).toISOString());
      seen++;
    }
    assert.equal(seen, 2100);
    const res = await client.get('/admin/venues/1/dashboard.csv?from=2026-06-01&to=2026-06-03');
    assert.equal(res.text.split('\r\n').filter(Boolean).length, 2101);
  });
});
