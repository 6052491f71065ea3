import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { LoadResult } from './load';
import { replyIsSigned } from './radius-packets';

/*
 * A RADIUS load generator: datagrams made beforehand, sent over UDP from several sockets with a fixed
 * number outstanding, each reply matched by socket and Identifier (one socket has only 256 of them),
 * checked (code and Response Authenticator) and timed. No retransmission: a request unanswered within
 * the timeout is a failure, as it would be a guest's wait at a real router.
 */

/** Sockets the generator sends from: request i goes out on socket i % sockets with Identifier ⌊i / sockets⌋ mod 256. */
export const loadSockets = 16;

/** The socket and Identifier request `index` must carry (the datagram is made with it, since an accounting authenticator covers it). */
export function slotOf(index: number): { socket: number; identifier: number } {
  return { socket: index % loadSockets, identifier: Math.floor(index / loadSockets) % 256 };
}

export interface RadiusLoad {
  host: string;
  port: number;
  /** Made with slotOf(i) for request i. */
  datagrams: Buffer[];
  /** The reply code every request must get (Access-Accept, Accounting-Response). */
  expect: number;
  secret: Buffer;
  concurrency: number;
  timeoutMs?: number;
  /** No request is sent after this long; the run then waits for the ones outstanding. */
  maxSeconds?: number;
}

export interface RadiusLoadResult extends LoadResult {
  /** Replies with another code than expected. */
  wrongCode: number;
  /** Replies whose Response Authenticator does not verify. */
  badAuthenticator: number;
  timeouts: number;
  /** Requests never sent because the run reached maxSeconds. */
  unsent: number;
  /** Reply codes seen other than the expected one, with counts. */
  otherCodes: Record<number, number>;
}

interface Outstanding {
  index: number;
  sentAt: number;
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

async function openSockets(host: string, port: number): Promise<dgram.Socket[]> {
  return Promise.all(Array.from({ length: loadSockets }, () => new Promise<dgram.Socket>((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => socket.connect(port, host, () => {
      socket.off('error', reject);
      // A connected socket hears the ICMP "port unreachable" of a server not listening yet: that request just goes unanswered.
      socket.on('error', () => {});
      resolve(socket);
    }));
  })));
}

export async function runRadiusLoad(load: RadiusLoad): Promise<RadiusLoadResult> {
  const { datagrams, expect, secret } = load;
  const timeoutMs = load.timeoutMs ?? 3000;
  const sockets = await openSockets(load.host, load.port);
  const slots: (Outstanding | undefined)[][] = sockets.map(() => new Array(256));
  const latencies = new Float64Array(datagrams.length);
  let answered = 0;
  let wrongCode = 0;
  let badAuthenticator = 0;
  let timeouts = 0;
  let outstanding = 0;
  let next = 0;
  const otherCodes: Record<number, number> = {};
  const started = performance.now();
  let lastAnswer = started;
  const stopSendingAt = started + (load.maxSeconds ?? Infinity) * 1000;

  return new Promise<RadiusLoadResult>((resolve) => {
    const finish = () => {
      clearInterval(sweeper);
      for (const socket of sockets) socket.close();
      const seconds = (lastAnswer - started) / 1000;
      const sorted = latencies.slice(0, answered).sort();
      resolve({
        rps: answered / seconds, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), requests: answered,
        failures: wrongCode + badAuthenticator + timeouts, seconds, wrongCode, badAuthenticator, timeouts, unsent: datagrams.length - next, otherCodes,
      });
    };
    const sendMore = () => {
      const now = performance.now();
      while (outstanding < load.concurrency && next < datagrams.length && now < stopSendingAt) {
        const index = next++;
        const { socket, identifier } = slotOf(index);
        const earlier = slots[socket][identifier];
        // Only after thousands of later requests: long past its timeout, so it counts as one.
        if (earlier) {
          timeouts++;
          outstanding--;
        }
        slots[socket][identifier] = { index, sentAt: now };
        outstanding++;
        sockets[socket].send(datagrams[index]);
      }
      if (outstanding === 0 && (next === datagrams.length || now >= stopSendingAt)) finish();
    };
    sockets.forEach((socket, socketIndex) => {
      socket.on('message', (reply) => {
        const identifier = reply[1];
        const request = slots[socketIndex][identifier];
        if (!request) return; // an answer after its timeout: already counted
        slots[socketIndex][identifier] = undefined;
        outstanding--;
        const now = performance.now();
        lastAnswer = now;
        latencies[answered++] = now - request.sentAt;
        if (reply[0] !== expect) {
          wrongCode++;
          otherCodes[reply[0]] = (otherCodes[reply[0]] ?? 0) + 1;
        } else if (!replyIsSigned(reply, datagrams[request.index], secret)) {
          badAuthenticator++;
        }
        sendMore();
      });
    });
    const sweeper = setInterval(() => {
      const now = performance.now();
      for (const socketSlots of slots) {
        for (let identifier = 0; identifier < 256; identifier++) {
          const request = socketSlots[identifier];
          if (request && now - request.sentAt > timeoutMs) {
            socketSlots[identifier] = undefined;
            outstanding--;
            timeouts++;
          }
        }
      }
      sendMore();
    }, 100);
    sendMore();
  });
}
