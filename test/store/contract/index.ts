import { describe } from 'node:test';
import { acceptanceContract } from './acceptances';
import { adminContract } from './admin';
import { guestSessionContract } from './guest-sessions';
import { maintenanceContract } from './maintenance';
import { radiusContract } from './radius';
import { routerAuthorisationContract } from './router-authorisations';
import { routerContract } from './routers';
import { statisticsContract } from './statistics';
import { termsContract } from './terms';
import type { OpenStore } from './fixture';
import { venueContract } from './venues';

/** Every guarantee of the store's contract, for any implementation: `open` gives each test its own empty store. */
export function storeContract(name: string, open: OpenStore): void {
  describe(`${name} store: the contract`, () => {
    venueContract(open);
    termsContract(open);
    routerContract(open);
    acceptanceContract(open);
    guestSessionContract(open);
    adminContract(open);
    statisticsContract(open);
    maintenanceContract(open);
    radiusContract(open);
    routerAuthorisationContract(open);
  });
}
