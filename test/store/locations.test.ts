import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPostgresUrl } from '../../app/config';
import { postgresLocation } from '../../app/store/locations';

describe('store locations', () => {
  it('shows a PostgreSQL URL without its password, a Unix socket\'s too', () => {
    assert.equal(postgresLocation('postgres://portico:s3cret@db.example:5432/portico'), 'postgres://portico:***@db.example:5432/portico');
    assert.equal(postgresLocation('postgresql://portico:s3cret@/portico?host=/run/postgresql'), 'postgresql://portico:***@/portico?host=/run/postgresql');
    assert.equal(postgresLocation('postgres://portico@/portico?host=/run/postgresql'), 'postgres://portico@/portico?host=/run/postgresql');
    assert.equal(postgresLocation('postgres:///portico'), 'postgres:///portico');
    assert.equal(postgresLocation('postgres://db.example:5432/portico'), 'postgres://db.example:5432/portico');
  });

  it('never shows part of a password written with raw "@" or "/" in it', () => {
    for (const url of ['postgres://portico:p@ss/w@rd@db.example/portico', 'postgres://portico:a/b@db.example/portico']) {
      assert.equal(postgresLocation(url), 'postgres://portico:***@db.example/portico');
    }
  });

  it('knows a PostgreSQL URL by its scheme', () => {
    assert.ok(isPostgresUrl('postgres://db/portico'));
    assert.ok(isPostgresUrl('PostgreSQL://db/portico'));
    assert.ok(!isPostgresUrl('mysql://db/portico'));
    assert.ok(!isPostgresUrl('/var/lib/portico'));
  });
});
