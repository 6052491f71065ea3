import dgram from 'node:dgram';
import { isIP } from 'node:net';
import type { Context } from '../context';
import { StoreUnavailableError } from '../errors';
import { log, warningsNowAndThen } from '../log';
import { decideAccess } from './access';
import { recordAccounting } from './accounting';
import { attribute, text } from './attributes';
import { accountingRequestIsSigned, checkMessageAuthenticator, code, decodePacket, encodeReply, MalformedPacket, type Packet } from './packet';
import { comesFrom, radiusRouterDirectory, type RadiusRouter, type RadiusRouterKind } from './routers';

/*
 * Portico's RADIUS server: authentication (RFC 2865) and accounting (RFC 2866) on two UDP ports, for
 * the routers whose drivers register a kind here. A packet is answered only when it comes from a known
 * router with that router's secret; anything else is dropped without an answer, logged now and then
 * and counted in /metrics.
 */

type Port = 'auth' | 'acct';

/** A retransmission (same source, Identifier and authenticator) within this long gets the first answer again. */
const resendWindowMs = 30_000;
/** Answers kept for retransmissions, at most: a flood of distinct requests cannot grow memory past it. */
const maxRemembered = 10_000;
const dropWarningMs = 60_000;
const contactEveryMs = 60_000;

export interface RadiusServer {
  /** Adds a driver's kind of router; call before the listener starts. */
  serve(kind: RadiusRouterKind): void;
  /** The one listener both ports make, shared by every driver that serves here. */
  listener: { name: string; start(): Promise<void>; stop(): Promise<void> };
  /** The ports it listens on once started (RADIUS_PORT=0 takes free ones: the tests). */
  ports(): { auth: number; acct: number } | null;
}

const servers = new WeakMap<Context, RadiusServer>();

/** The RADIUS server of this Portico (one per context, however many drivers use it). */
export function radiusServer(ctx: Context): RadiusServer {
  let server = servers.get(ctx);
  if (!server) servers.set(ctx, (server = createRadiusServer(ctx)));
  return server;
}

function createRadiusServer(ctx: Context): RadiusServer {
  const kinds = new Map<string, RadiusRouterKind>();
  const directory = radiusRouterDirectory(ctx, kinds);
  const answers = new Map<string, { at: number; answer: Promise<Buffer | null> }>();
  const inFlight = new Set<Promise<void>>();
  const sockets: dgram.Socket[] = [];
  const warnNowAndThen = warningsNowAndThen(dropWarningMs);

  const count = (port: Port, outcome: string) => ctx.metrics.count('portico_radius_packets_total', { port, outcome });
  const drop = (port: Port, why: string, source: string, fields: Record<string, unknown> = {}) => {
    count(port, `dropped: ${why}`);
    warnNowAndThen(`${port} ${why}`, ctx.now(), `radius packet dropped: ${why}`, { port, source, ...fields });
    return null;
  };

  /** The router a request is from, checked: its NAS-Identifier, where it came from, and its secret. */
  async function routerOf(port: Port, request: Packet, source: string): Promise<RadiusRouter | null> {
    const nasId = text(request, attribute.nasIdentifier)?.slice(0, 253);
    if (!nasId) return drop(port, 'no NAS-Identifier', source);
    const named = await directory.find(nasId);
    // A pinned router is heard only from its own address; the first that fits wins.
    const router = named.find((candidate) => !candidate.from || comesFrom(candidate.from, source));
    if (!router) return drop(port, named.length ? 'from an address the router is not pinned to' : 'unknown NAS-Identifier', source, { nas_id: nasId });
    const signature = checkMessageAuthenticator(request, router.secret);
    if (signature === 'invalid') return drop(port, 'Message-Authenticator does not verify (wrong secret or forged)', source, { gateway: router.gateway.id });
    if (signature === 'absent' && port === 'auth' && router.kind.alwaysSignsRequests) {
      return drop(port, 'no Message-Authenticator from a router that always sends one', source, { gateway: router.gateway.id });
    }
    if (port === 'acct' && !accountingRequestIsSigned(request, router.secret)) {
      return drop(port, 'Request Authenticator does not verify (wrong secret)', source, { gateway: router.gateway.id });
    }
    return router;
  }

  async function answer(port: Port, request: Packet, source: string): Promise<Buffer | null> {
    if (request.code !== (port === 'auth' ? code.accessRequest : code.accountingRequest)) return drop(port, `code ${request.code} on this port`, source);
    const router = await routerOf(port, request, source);
    if (!router) return null;
    if (port === 'acct') {
      await recordAccounting(ctx, router, request);
      // pfSense holds the guest's redirect until its Start is answered: every request gets its response.
      // A router that sends accounting is alive; a write a minute says so.
      if (ctx.now() - (router.gateway.lastContactAt ?? -Infinity) > contactEveryMs) {
        await ctx.store.recordGatewayContact(router.gateway.id, router.gateway.health ?? {}, ctx.now());
      }
      count(port, 'response');
      return encodeReply(request, code.accountingResponse, [], router.secret);
    }
    const decision = await decideAccess(ctx, router, request);
    count(port, decision.accept ? 'accept' : 'reject');
    log.info(`radius ${decision.accept ? 'accept' : 'reject'}: ${decision.reason}`, { gateway: router.gateway.id });
    return encodeReply(request, decision.accept ? code.accessAccept : code.accessReject, decision.attributes, router.secret);
  }

  /** The answer to a datagram, the first one again for a retransmission. */
  function answerOnce(port: Port, raw: Buffer, source: string, sourcePort: number): Promise<Buffer | null> {
    let request: Packet;
    try {
      request = decodePacket(raw);
    } catch (error) {
      if (error instanceof MalformedPacket) return Promise.resolve(drop(port, 'malformed', source, { detail: error.message }));
      throw error;
    }
    const now = ctx.now();
    const key = `${port} ${source} ${sourcePort} ${request.identifier} ${request.authenticator.toString('hex')}`;
    const earlier = answers.get(key);
    if (earlier && now - earlier.at < resendWindowMs) {
      count(port, 'resent');
      return earlier.answer;
    }
    // Oldest first in a Map: forget what is out of the window, and the oldest beyond the bound.
    for (const [oldKey, { at }] of answers) {
      if (now - at < resendWindowMs && answers.size < maxRemembered) break;
      answers.delete(oldKey);
    }
    // No answer while the database is away, as RADIUS servers do when their backend is: the router tries
    // again or tells the guest, and its retransmission after the database is back gets a real answer.
    const answered = answer(port, request, source).catch((error: unknown) => {
      if (!(error instanceof StoreUnavailableError)) throw error;
      answers.delete(key);
      return drop(port, 'database unavailable', source, { error: error.reason });
    });
    answers.set(key, { at: now, answer: answered });
    return answered;
  }

  function receive(port: Port, socket: dgram.Socket, raw: Buffer, from: dgram.RemoteInfo) {
    const work = answerOnce(port, raw, from.address, from.port)
      .then((reply) => {
        if (reply) socket.send(reply, from.port, from.address);
      })
      .catch((error) => {
        count(port, 'dropped: error');
        log.error('radius request failed', { port, error: (error as Error)?.stack ?? String(error) });
      })
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  }

  async function bind(port: Port, portNumber: number): Promise<void> {
    const host = ctx.config.radius!.host;
    const socket = dgram.createSocket({ type: isIP(host) === 6 ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(portNumber, host || undefined, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('message', (raw, from) => receive(port, socket, raw, from));
    socket.on('error', (error) => log.error('radius socket error', { port, error: error.message }));
    sockets.push(socket);
    const bound = socket.address();
    log.info('radius listening', { port, address: `${bound.address}:${bound.port}` });
  }

  async function stop() {
    // Stop taking packets, then finish the ones in flight (their answers go out before the sockets close).
    for (const socket of sockets) socket.removeAllListeners('message');
    await Promise.all(inFlight);
    await Promise.all(sockets.splice(0).map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
  }

  async function start() {
    const listen = ctx.config.radius;
    if (!listen) return;
    try {
      await bind('auth', listen.authPort);
      await bind('acct', listen.acctPort);
    } catch (error) {
      await stop();
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      throw new Error(inUse
        ? `RADIUS port ${listen.authPort} or ${listen.acctPort} is in use: stop what uses it, or set RADIUS_PORT and RADIUS_ACCT_PORT (RADIUS_PORT=off turns RADIUS off)`
        : (error as Error).message, { cause: error });
    }
  }

  return {
    serve(kind) {
      kinds.set(kind.type, kind);
    },
    listener: { name: 'RADIUS server', start, stop },
    ports() {
      const [auth, acct] = sockets.map((socket) => socket.address().port);
      return acct === undefined ? null : { auth, acct };
    },
  };
}
