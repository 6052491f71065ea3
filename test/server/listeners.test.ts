import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import type { Listener } from '../../app/gateways/driver';
import { startListeners } from '../../app/listeners';
import { testPortal, type TestPortal } from '../helpers';
import { captureLog } from '../log-capture';

/** A listener as a RADIUS driver will own one: a UDP socket on loopback that echoes each datagram. */
function echoListener(name: string, port = 0): Listener & { port(): number } {
  let socket: dgram.Socket | undefined;
  let bound = 0;
  return {
    name,
    port: () => bound,
    async start() {
      const opened = dgram.createSocket('udp4');
      opened.on('message', (message, from) => opened.send(message, from.port, from.address));
      await new Promise<void>((resolve, reject) => {
        opened.once('error', reject);
        opened.bind(port, '127.0.0.1', () => resolve());
      });
      socket = opened;
      bound = opened.address().port;
    },
    async stop() {
      await new Promise<void>((resolve) => socket!.close(() => resolve()));
    },
  };
}

/** The answer to one datagram sent to a loopback port, or null when none comes within a while. */
async function ask(port: number, text: string): Promise<string | null> {
  const client = dgram.createSocket('udp4');
  try {
    client.send(text, port, '127.0.0.1');
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 300).unref());
    const answer = once(client, 'message').then(([message]) => String(message));
    return await Promise.race([answer, timeout]);
  } finally {
    client.close();
  }
}

/** Whether nothing holds a UDP port on loopback: a socket can bind it. */
async function isFree(port: number): Promise<boolean> {
  const probe = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.bind(port, '127.0.0.1', () => resolve());
    });
    return true;
  } catch {
    return false;
  } finally {
    probe.close();
  }
}

describe('driver listeners in the server lifecycle', () => {
  let portal: TestPortal;
  before(async () => { portal = await testPortal(); });
  after(() => portal.close());

  it('starts a driver\'s listener on a real socket and closes it on stop', async () => {
    const radius = echoListener('test radius');
    const running = await startListeners([{ listeners: () => [radius] }, {}], portal.ctx);
    assert.ok(radius.port() > 0);
    assert.equal(await ask(radius.port(), 'Access-Request'), 'Access-Request');
    await running.stop();
    assert.ok(await isFree(radius.port()), 'the port is released');
    assert.equal(await ask(radius.port(), 'Access-Request'), null);
  });

  it('reports a listener that cannot start and stops the ones already started', async () => {
    const holder = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => holder.bind(0, '127.0.0.1', () => resolve()));
    const taken = holder.address().port;
    try {
      const first = echoListener('first');
      const second = echoListener('second', taken);
      const { result, lines } = await captureLog(() => startListeners([{ listeners: () => [first, second] }], portal.ctx).then(
        () => assert.fail('started with its port taken'), (error: Error) => error,
      ));
      assert.match(result.message, /^second could not start: .*EADDRINUSE/);
      assert.match(lines, /listener could not start.*second/);
      assert.ok(first.port() > 0);
      assert.ok(await isFree(first.port()), 'the listener started first is stopped again');
    } finally {
      holder.close();
    }
  });
});
