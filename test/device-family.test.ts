import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceFamily } from '../app/device-family';
import { isRandomisedMac } from '../app/random-mac';

describe('device family from the user agent', () => {
  const cases: [string | null, string][] = [
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148', 'ios'],
    ['Mozilla/5.0 (iPad; CPU OS 12_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148', 'ios'],
    // iPadOS 13+ Safari claims to be a Mac but keeps "Mobile/"
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1', 'ios'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15', 'macos'],
    ['Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36', 'android'],
    ['Dalvik/2.1.0 (Linux; U; Android 13; Pixel 7 Build/TQ3A.230901.001)', 'android'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36 Edg/124.0', 'windows'],
    ['Mozilla/5.0 (Mobile; Windows Phone 8.1; Android 4.0; ARM; Trident/7.0; Touch; rv:11.0; IEMobile/11.0; NOKIA; Lumia 635) like iPhone OS 7_0_3 Mac OS X AppleWebKit/537 (KHTML, like Gecko) Mobile Safari/537', 'other'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0', 'other'],
    ['', 'other'],
    [null, 'other'],
  ];
  for (const [userAgent, family] of cases) {
    it(`${family}: ${String(userAgent).slice(0, 50)}`, () => assert.equal(deviceFamily(userAgent), family));
  }
});

describe('randomised MAC addresses', () => {
  it('are those with the locally administered bit set', () => {
    for (const mac of ['02:00:00:00:00:01', 'da:a1:19:00:00:0c', '06:11:22:33:44:55', 'fe:ff:ff:ff:ff:ff', 'aa:bb:cc:dd:ee:ff']) assert.equal(isRandomisedMac(mac), true, mac);
    for (const mac of ['00:1b:63:00:00:0b', '3c:22:fb:00:00:0e', 'f0:18:98:00:00:01', '01:00:5e:00:00:01']) assert.equal(isRandomisedMac(mac), false, mac);
  });
});
