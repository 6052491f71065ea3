import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settingsFromOptions } from '../../app/gateways';
import type { GatewayDriver } from '../../app/gateways/driver';
import { pfsense } from '../../app/gateways/pfsense';
import { UserError } from '../../app/errors';

/** A driver with one of each kind of option, as a RADIUS router will have: a required address and a secret. */
const radiusLike = {
  ...pfsense,
  type: 'radius-test',
  shortLabel: 'Test RADIUS',
  options: [
    { name: 'nas-address', setting: 'nasAddress', label: 'NAS address', help: 'where it asks from', placeholder: '<ip>', required: true, parse: (text: string) => text },
    { name: 'secret', setting: 'secret', label: 'Shared secret', help: 'the RADIUS secret', placeholder: '<text>', secret: true, parse: (text: string) => text },
    { name: 'port', setting: 'port', label: 'Port', help: 'its port', placeholder: '<port>', default: '1812', parse: Number },
  ],
} satisfies GatewayDriver;

describe('driver options to stored settings', () => {
  it('parses what is given, applies defaults and refuses a missing required option', () => {
    assert.deepEqual(settingsFromOptions(radiusLike, { 'nas-address': ' 10.0.0.2 ', secret: 's3', port: undefined }), { nasAddress: '10.0.0.2', secret: 's3', port: 1812 });
    assert.throws(() => settingsFromOptions(radiusLike, { secret: 's3' }), (error) => error instanceof UserError && /^NAS address is needed: where it asks from$/.test(error.message));
  });

  it('keeps a secret left blank when told to, and refuses options of other router types by name', () => {
    assert.deepEqual(settingsFromOptions(radiusLike, { 'nas-address': '10.0.0.2', secret: '' }, { secret: 'old' }), { nasAddress: '10.0.0.2', secret: 'old', port: 1812 });
    assert.throws(() => settingsFromOptions(radiusLike, { 'nas-address': '10.0.0.2', address: 'x' }),
      (error) => error instanceof UserError && /^--address is for pfSense; a Test RADIUS router takes --nas-address, --secret, --port$/.test(error.message));
  });
});
