/**
 * The store's contract, one interface per aggregate. Everything above the store speaks these types and
 * awaits these methods, so a PostgreSQL store can replace the embedded SQLite one without touching routes;
 * test/store/contract/ is the suite every implementation passes. Conflicts throw StoreConflictError
 * (app/errors.ts), never a driver's own error.
 */
import type { AcceptanceStore } from './contract/acceptances';
import type { AdminStore } from './contract/admin';
import type { GuestSessionStore } from './contract/guest-sessions';
import type { MaintenanceStore } from './contract/maintenance';
import type { RadiusCredentialStore } from './contract/radius';
import type { RouterAuthorisationStore } from './contract/router-authorisations';
import type { RouterStore } from './contract/routers';
import type { StatisticsStore } from './contract/statistics';
import type { TermsStore } from './contract/terms';
import type { VenueStore } from './contract/venues';

export type * from './contract/acceptances';
export type * from './contract/admin';
export type * from './contract/guest-sessions';
export type * from './contract/maintenance';
export type * from './contract/radius';
export type * from './contract/router-authorisations';
export type * from './contract/routers';
export type * from './contract/statistics';
export type * from './contract/terms';
export type * from './contract/venues';

export interface Store extends VenueStore, TermsStore, RouterStore, AcceptanceStore, GuestSessionStore, AdminStore, StatisticsStore,
  MaintenanceStore, RadiusCredentialStore, RouterAuthorisationStore {}
