import { drivers } from '../../app/gateways';
import { startListeners } from '../../app/listeners';
import { radiusServer } from '../../app/radius/server';
import { testPortal, type TestPortal } from '../helpers';
import { pfsenseRouterAddress } from '../sim/pfsense-guest';
import { pfSenseRadiusZone, type PfSenseRadius, type PfSenseRadiusOptions } from '../sim/pfsense-radius';

/** The shared secret of the test's pfSense router "cafe", and the NAS Identifier of its zone. */
export const cafeSecret = 'cafe-radius-secret-0123456789';
export const cafeNasId = 'CaptivePortal-guest';

export interface RadiusPortal extends TestPortal {
  ports: { auth: number; acct: number };
  /** RADIUS packets counted in /metrics for this port and outcome. */
  counted(port: 'auth' | 'acct', outcome: string): number;
  /** A simulated pfSense zone of router "cafe" talking to this Portico. */
  zone(options?: Partial<PfSenseRadiusOptions>): PfSenseRadius;
}

/**
 * A Portico with its RADIUS server listening on loopback ports of its own, and pfSense router "cafe" in
 * RADIUS mode (added through the store as `gateway add --mode radius` stores it).
 */
export async function radiusPortal(env: Record<string, string> = {}): Promise<RadiusPortal> {
  const portal = await testPortal({ RADIUS_PORT: '0', RADIUS_ACCT_PORT: '0', RADIUS_HOST: '127.0.0.1', ...env });
  await portal.store.addGateway({
    id: 'cafe', siteId: portal.site.id, type: 'pfsense', name: 'Café',
    settings: { address: pfsenseRouterAddress, mode: 'radius', radiusSecret: cafeSecret, nasId: cafeNasId },
  }, portal.clock());
  const running = await startListeners(drivers.values(), portal.ctx);
  const ports = radiusServer(portal.ctx).ports();
  if (!ports) throw new Error('the RADIUS server did not start');
  return {
    ...portal, ports,
    counted: (port, outcome) => portal.ctx.metrics.value('portico_radius_packets_total', { port, outcome }),
    zone: (options = {}) => pfSenseRadiusZone({
      secret: cafeSecret, authPort: ports.auth, acctPort: ports.acct, app: portal.app, gatewayId: 'cafe', nasId: cafeNasId, now: portal.clock, ...options,
    }),
    async close() {
      await running.stop();
      await portal.close();
    },
  };
}
