import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig, publicLink } from '../app/config';
import { ConfigError } from '../app/errors';

describe('configuration', () => {
  it('works with nothing set', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.dataDir, path.resolve('data'));
    assert.equal(config.publicUrl.href, 'http://localhost:8080/');
    assert.equal(config.secure, false);
    assert.equal(config.trustProxy, false);
    assert.equal(config.sqliteSynchronous, 'NORMAL');
    assert.equal(config.guestAddressCheck, true);
    assert.equal(config.databaseUrl, null, 'SQLite unless DATABASE_URL is set');
    assert.equal(loadConfig({ GUEST_ADDRESS_CHECK: 'OFF' }).guestAddressCheck, false);
  });

  it('derives links from PUBLIC_URL, keeping a path prefix', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://wifi.example/portal' });
    assert.equal(config.secure, true);
    assert.equal(publicLink(config, 'preview'), 'https://wifi.example/portal/preview');
    assert.equal(publicLink(config, '/pfsense/a'), 'https://wifi.example/portal/pfsense/a');
  });

  it('refuses settings that cannot work, with a message', () => {
    for (const env of [{ PORT: 'eighty' }, { PORT: '70000' }, { PUBLIC_URL: 'not a url' }, { PUBLIC_URL: 'ftp://x/' },
      { TLS_CERT: 'cert.pem' }, { SQLITE_SYNCHRONOUS: 'OFF' }, { GUEST_ADDRESS_CHECK: 'maybe' },
      { DATABASE_URL: 'mysql://db/portico' }, { DATABASE_URL: '/var/lib/portico.db' }]) {
      assert.throws(() => loadConfig(env), ConfigError, JSON.stringify(env));
    }
  });

  it('takes a PostgreSQL DATABASE_URL in either spelling', () => {
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://u:p@db/portico' }).databaseUrl, 'postgres://u:p@db/portico');
    assert.equal(loadConfig({ DATABASE_URL: 'postgresql:///portico?host=/run/postgresql' }).databaseUrl, 'postgresql:///portico?host=/run/postgresql');
  });

  it('reads TRUST_PROXY as Express does', () => {
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1);
    assert.equal(loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy, 'loopback');
  });
});

describe('configuration: retention, metrics and rate limits', () => {
  it('keeps personal fields 30 days, metrics off and limits for a 500-guest event by default', () => {
    const config = loadConfig({});
    assert.equal(config.retentionDays, 30);
    assert.equal(config.metricsToken, null);
    assert.deepEqual(config.rateLimits, { perAddress: 6000, perGateway: 6000, perToken: 30 });
  });

  it('reads the settings and refuses values that make no sense', () => {
    const config = loadConfig({ RETENTION_DAYS: '0', METRICS_TOKEN: 'a-long-enough-token', RATE_LIMIT_ADDRESS: '100', RATE_LIMIT_GATEWAY: '200', RATE_LIMIT_TOKEN: '5' });
    assert.equal(config.retentionDays, 0);
    assert.equal(config.metricsToken, 'a-long-enough-token');
    assert.deepEqual(config.rateLimits, { perAddress: 100, perGateway: 200, perToken: 5 });
    for (const env of [{ RETENTION_DAYS: '-1' }, { RETENTION_DAYS: '7.5' }, { RETENTION_DAYS: 'forever' }, { RATE_LIMIT_ADDRESS: '0' }, { METRICS_TOKEN: 'short' }]) {
      assert.throws(() => loadConfig(env), ConfigError, JSON.stringify(env));
    }
  });
});
