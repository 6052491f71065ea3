import type { Context } from './context';
import type { GatewayDriver, Listener } from './gateways/driver';
import { log } from './log';

/** The drivers' listeners once started: stop() closes them all, logging (never throwing) a failure to. */
export interface RunningListeners {
  stop(): Promise<void>;
}

/**
 * Starts every driver's listeners beyond HTTP, one after the other. When one cannot start, the ones
 * already started are stopped and the returned promise rejects, naming it: Portico does not run half a router.
 */
export async function startListeners(drivers: Iterable<Pick<GatewayDriver, 'listeners'>>, ctx: Context): Promise<RunningListeners> {
  const started: Listener[] = [];
  const stop = async () => {
    await Promise.all(started.splice(0).reverse().map(async (listener) => {
      try {
        await listener.stop();
        log.info('listener stopped', { listener: listener.name });
      } catch (error) {
        log.error('listener did not stop cleanly', { listener: listener.name, error: (error as Error).message });
      }
    }));
  };
  // Drivers that share a server (pfSense and CoovaChilli share the RADIUS one) hand out the same listener: it starts once.
  for (const listener of new Set([...drivers].flatMap((driver) => driver.listeners?.(ctx) ?? []))) {
    try {
      await listener.start();
    } catch (error) {
      log.error('listener could not start', { listener: listener.name, error: (error as Error).message });
      await stop();
      throw new Error(`${listener.name} could not start: ${(error as Error).message}`, { cause: error });
    }
    started.push(listener);
    log.info('listening', { listener: listener.name });
  }
  return { stop };
}
