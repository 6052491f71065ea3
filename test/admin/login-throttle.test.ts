import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { accountKey, addressKey } from '../../app/admin/login-throttle';

describe('what sign-in attempts are counted under', () => {
  const addresses: [string, string][] = [
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['', ''],
  ];
  for (const [ip, key] of addresses) {
    it(`counts ${ip || '(no address)'} as ${key || '(no address)'}`, () => assert.equal(addressKey(ip), key));
  }

  it('counts every spelling of an IPv6 address in one /64 as one address', () => {
    const group = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
    fc.assert(fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), fc.array(group, { minLength: 4, maxLength: 4 }), (groups, otherHost) => {
      const full = groups.join(':');
      const compressed = new URL(`http://[${full}]/`).hostname.slice(1, -1);
      const sameNetwork = [...groups.slice(0, 4), ...otherHost].join(':');
      assert.equal(addressKey(compressed), addressKey(full));
      assert.equal(addressKey(sameNetwork), addressKey(full));
      assert.equal(addressKey(full), `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`);
    }));
  });

  it('counts a name without case and without the spaces around it', () => {
    for (const name of ['owner', 'OWNER', ' Owner', 'owner\t', '  oWnEr  ']) assert.equal(accountKey(name), 'owner');
    assert.notEqual(accountKey('own er'), 'owner');
  });
});
