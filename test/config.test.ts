import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, publicLink } from '../app/config';

describe('configuration', () => {
  it('works with nothing set', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.dataDir, path.resolve('data'));
    assert.equal(config.publicUrl.href, 'http://localhost:8080/');
    assert.equal(config.secure, false);
    assert.equal(config.trustProxy, false);
    assert.equal(config.sqliteSynchronous, 'NORMAL');
  });

  it('derives links from PUBLIC_URL, keeping a path prefix', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://wifi.example/portal' });
    assert.equal(config.secure, true);
    assert.equal(publicLink(config, 'preview'), 'https://wifi.example/portal/preview');
    assert.equal(publicLink(config, '/pfsense/a'), 'https://wifi.example/portal/pfsense/a');
  });

  it('refuses settings that cannot work, with a message', () => {
    for (const env of [{ PORT: 'eighty' }, { PORT: '70000' }, { PUBLIC_URL: 'not a url' }, { PUBLIC_URL: 'ftp://x/' },
      { TLS_CERT: 'cert.pem' }, { SQLITE_SYNCHRONOUS: 'OFF' }]) {
      assert.throws(() => loadConfig(env), ConfigError, JSON.stringify(env));
    }
  });

  it('reads TRUST_PROXY as Express does', () => {
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1);
    assert.equal(loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy, 'loopback');
  });
});
