import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { ConnectionLimits, Config } from './config';
import { log } from './log';

/** How often a refusal is logged at most: one line per minute, with the count, however many are refused. */
const refusalLogIntervalMs = 60_000;

/**
 * Portico's HTTP or HTTPS server, bounded against slow and piled-up connections: headers and whole
 * requests must arrive in time, idle keep-alive connections are closed, and one source address may
 * hold only so many connections at once (Node's own defaults let one address hold sockets until the
 * file descriptors run out).
 */
export function createHttpServer(config: Pick<Config, 'tlsCert' | 'tlsKey' | 'connections'>, listener: http.RequestListener): http.Server {
  const { connections } = config;
  const options: http.ServerOptions = {
    headersTimeout: connections.headersTimeoutMs,
    requestTimeout: connections.requestTimeoutMs,
    // Node checks both timeouts on this interval only (30 s by default), so a short timeout needs a short interval.
    connectionsCheckingInterval: Math.min(1000, Math.ceil(connections.headersTimeoutMs / 4)),
  };
  const server = config.tlsCert && config.tlsKey
    // A TLS handshake may otherwise stall for 120 s before the header timeout even starts.
    ? https.createServer({ ...options, handshakeTimeout: connections.headersTimeoutMs, cert: fs.readFileSync(config.tlsCert), key: fs.readFileSync(config.tlsKey) }, listener)
    : http.createServer(options, listener);
  server.keepAliveTimeout = connections.keepAliveTimeoutMs;
  limitConnectionsPerAddress(server, connections);
  return server;
}

function limitConnectionsPerAddress(server: http.Server, { perAddress }: ConnectionLimits): void {
  const open = new Map<string, number>();
  let refused = 0;
  let loggedAt = -Infinity;
  // 'connection' comes with the TCP socket, before any TLS handshake or parsing: a refusal costs next to nothing.
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? '';
    const count = open.get(address) ?? 0;
    if (count >= perAddress) {
      socket.destroy();
      refused++;
      if (Date.now() - loggedAt >= refusalLogIntervalMs) {
        log.warn('refused connections over the per-address limit (CONNECTIONS_PER_ADDRESS)', { address, limit: perAddress, refused });
        loggedAt = Date.now();
        refused = 0;
      }
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = open.get(address)! - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
