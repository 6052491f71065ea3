import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { loadConfig, publicLink, publicUrlProblem, readSettings, settingsFileName } from './config';
import { createContext } from './context';
import { createSetupLink } from './admin/setup-link';
import { drivers } from './gateways';
import { createHttpServer } from './http-server';
import { startListeners } from './listeners';
import { log } from './log';
import { schedulePurge } from './privacy';
import { installationSecret } from './secret';
import { openStore, storeLocation } from './store/open';
import { ensureVenue } from './venue-settings';
import { ConfigError, StoreUnavailableError } from './errors';

/** How long requests in flight may take to finish after SIGTERM/SIGINT. */
const shutdownGraceMs = 15_000;

async function main(): Promise<void> {
  const { settings, file, warnings } = readSettings();
  const config = loadConfig(settings);
  log.setFormat(config.logFormat);
  log.setLevel(config.logLevel);
  for (const warning of warnings) log.warn(warning);
  const store = await openStore(config, 'server');
  const secret = installationSecret(config, store);
  const site = await ensureVenue(store, Date.now());
  const ctx = createContext(config, store, secret);
  const app = createApp(ctx);
  const setupLink = await createSetupLink(ctx);
  const unreachable = publicUrlProblem(config);
  const routers = unreachable ? (await store.listGateways()).length : 0;
  if (routers > 0) log.warn(`${unreachable}: set PUBLIC_URL in ${settingsFileName} to the address guests reach Portico at, then run its router setup again`, { routers });
  const listeners = await startListeners(drivers.values(), ctx).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });

  const server = createHttpServer(config, app);
  // Before listening, the only error a server emits is its port's: said plainly, not as a stack trace.
  server.once('error', (error: NodeJS.ErrnoException) => {
    const where = `${config.host || '*'}:${config.port}`;
    if (error.code === 'EADDRINUSE') log.error(`port ${config.port} is in use (${where}): stop what uses it, or set PORT to another port`);
    else if (error.code === 'EACCES') log.error(`no permission to listen on port ${config.port} (${where}): use a port above 1023, or give Node the right to bind low ports`);
    else log.error('could not listen', { listen: where, error: error.message });
    process.exit(1);
  });
  server.listen(config.port, config.host || undefined, () => {
    const { port } = server.address() as AddressInfo;
    log.info('Portico is serving', { venue: site.name, listen: `${config.host || '*'}:${port}`, data: config.databaseUrl ? storeLocation(config) : config.dataDir, settings: file ?? 'environment only' });
    log.info(`guest page preview: ${publicLink(config, 'preview')}`);
    // The one token ever logged, on purpose: it is how the owner of a fresh installation gets in. It works once.
    if (setupLink) log.info(`no admin account yet: open this one-time link to create it: ${setupLink}`);
    else log.info(`admin: ${publicLink(config, 'admin/login')}`);
  });

  const stopPurge = schedulePurge(ctx);

  // Stop taking connections and the drivers' listeners, let requests in flight finish (an acceptance being
  // written completes and is answered), then close the database. A second signal, or a request still running after the grace
  // period, ends the process at once; SQLite's journal keeps every committed acceptance either way.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      log.warn('second signal: exiting at once', { signal });
      process.exit(1);
    }
    stopping = true;
    log.info('stopping: finishing requests in flight', { signal });
    stopPurge();
    const listenersStopped = listeners.stop();
    server.close(() => {
      void listenersStopped.then(() => store.close()).then(() => {
        log.info('stopped');
        process.exit(0);
      });
    });
    server.closeIdleConnections();
    // Keep-alive connections that finish their request now are idle: close them as they become so.
    const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
    idleSweep.unref();
    setTimeout(() => {
      log.warn('requests still running after the grace period: exiting', { seconds: shutdownGraceMs / 1000 });
      process.exit(1);
    }, shutdownGraceMs).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  if (error instanceof ConfigError) log.error(`configuration: ${error.message}`);
  else if (error instanceof StoreUnavailableError) log.error('could not start: cannot reach the database', { error: error.reason });
  else log.error('could not start', { error: error?.stack ?? String(error) });
  process.exit(1);
});
