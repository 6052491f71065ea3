import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { choosePeriod, isCalendarDay } from '../app/statistics';
import { signedInAgent } from './admin/admin-helpers';
import { runCli, testPortal, type TestPortal } from './helpers';

/** Days that are not days: each is refused in plain words, never a RangeError. */
const badDays = [
  '2026-13-01', '2026-13-05', '2026-00-10', '2026-01-00', '2026-01-32', '2026-02-30', '2026-02-29', '2026-04-31', '2026-99-99',
  '0000-01-01', '0001-01-01', '1969-12-31', '9999-12-31', '99999-01-01', '+02026-01-01', '-2026-01-01', '2026-1-1', '2026-01-01T00:00',
  '2026/01/01', 'yesterday', '', ' 2026-01-01', '２０２６-01-01', '2026-01-01\n',
];

describe('bad dates', () => {
  it('are not calendar days, and real days are', () => {
    for (const day of badDays) assert.equal(isCalendarDay(day), false, JSON.stringify(day));
    for (const day of ['2026-01-01', '2028-02-29', '2026-12-31', '2000-01-01', '2999-12-31']) assert.equal(isCalendarDay(day), true, day);
  });

  it('make a custom period refuse with a UserError, never a RangeError', () => {
    for (const day of badDays.filter(Boolean)) {
      for (const [from, to] of [[day, undefined], [undefined, day], ['2026-01-01', day], [day, '2026-01-01']]) {
        assert.throws(() => choosePeriod('custom', from, to, () => '2026-03-30'), (error: Error) => error.name === 'Error' && !(error instanceof RangeError), `${from} ${to}`);
      }
    }
  });

  describe('on the dashboard and its CSV download', () => {
    let portal: TestPortal;
    let client: Awaited<ReturnType<typeof signedInAgent>>['agent'];
    before(async () => {
      portal = await testPortal();
      client = (await signedInAgent(portal)).agent;
    });
    after(() => portal.close());

    const queries = [
      ...badDays.filter((day) => day && day.length <= 10).map((day) => `from=${encodeURIComponent(day)}`),
      'to=2026-13-05', 'from=2026-01-01&to=2026-02-30', 'from=2026-03-02&to=2026-03-01', 'from=2000-01-01&to=2999-12-31', 'from=2026-01-01&to=2027-01-02',
    ];
    for (const query of queries) {
      it(`?${query} is a 400 page: the dashboard with the message, the download's error page`, async () => {
        for (const [path, refusal] of [['/admin/venues/1/dashboard', /<p class="error" role="alert" id="period-error">/], ['/admin/venues/1/dashboard.csv', /<h1>Something is not right<\/h1>/]] as const) {
          const res = await client.get(`${path}?${query}`);
          assert.equal(res.status, 400, `${path}?${query}: ${res.text.slice(0, 200)}`);
          assert.match(res.text, refusal);
          assert.doesNotMatch(res.text, /RangeError|\n[ \t]+at /);
        }
      });
    }
  });

  describe('in the CLI', () => {
    let portal: TestPortal;
    before(async () => { portal = await testPortal(); });
    after(() => portal.close());

    const commands = [
      ['stats', '--from', '2026-13-01'], ['stats', '--to', '2026-02-30'], ['stats', '--from', '0000-01-01'], ['stats', '--from', '2026-03-02', '--to', '2026-03-01'],
      ['stats', '--from', '2000-01-01', '--to', '2999-12-31'], ['export', 'acceptances', '--from', '2026-13-01'], ['export', 'acceptances', '--to', '9999-12-31'],
    ];
    for (const argv of commands) {
      it(`${argv.join(' ')} is a one-line error with a non-zero exit code`, async () => {
        const result = await runCli(argv, { dataDir: portal.dataDir, publicUrl: 'http://portal.test/' });
        assert.ok(result.code === 1 || result.code === 2, `exit code ${result.code}`);
        assert.match(result.err, new RegExp(`^portico ${argv[0]}: [^\\n]+\\n`));
        assert.doesNotMatch(result.err, /RangeError|\n[ \t]+at /);
        assert.equal(result.out, '');
      });
    }
  });
});
