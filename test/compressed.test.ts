import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { describe, it } from 'node:test';
import { acceptsGzip, SplicedPage } from '../app/compressed';

describe('spliced gzip pages', () => {
  const fixed = ['<!DOCTYPE html><p>', '</p><form>'.repeat(50), '</form>', ''];

  it('gunzips (CRC-32 and length checked by zlib) to exactly the identity body', () => {
    const page = new SplicedPage(fixed);
    for (const slots of [['a', 'state=xyz', ''], ['', '', ''], ['é€😀', randomBytes(70_000).toString('base64'), 'tail']]) {
      const identity = page.identity(slots);
      assert.equal(identity.toString(), fixed[0] + slots[0] + fixed[1] + slots[1] + fixed[2] + slots[2] + fixed[3]);
      assert.deepEqual(zlib.gunzipSync(page.gzip(slots)), identity);
      assert.equal(page.gzip(slots).readUInt32LE(page.gzip(slots).length - 8), zlib.crc32(identity));
    }
  });

  it('compresses the fixed parts: a repetitive page shrinks', () => {
    const page = new SplicedPage(fixed);
    assert.ok(page.gzip(['x', 'y', 'z']).length < page.identity(['x', 'y', 'z']).length / 5);
  });

  it('reads Accept-Encoding with q-values and wildcards', () => {
    assert.equal(acceptsGzip('gzip, deflate, br'), true);
    assert.equal(acceptsGzip('br;q=1, gzip;q=0.5'), true);
    assert.equal(acceptsGzip('gzip;q=0'), false);
    assert.equal(acceptsGzip('*'), true);
    assert.equal(acceptsGzip('*;q=0'), false);
    assert.equal(acceptsGzip('identity'), false);
    assert.equal(acceptsGzip(undefined), false);
    assert.equal(acceptsGzip(''), false);
  });
});
