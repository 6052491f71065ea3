import type { Config } from '../config';
import type { Context } from '../context';
import type { Endpoint } from '../endpoint';
import type { GuestState } from '../guest/state';
import type { Acceptance, Gateway, Site } from '../store/types';

/** Where the guest's browser goes once the acceptance is committed. */
export interface Handoff {
  /** 303 turns the accept POST into a GET; 307 makes the browser POST the same form to the router. */
  status: 303 | 307;
  location: string;
}

export interface HandoffRequest {
  gateway: Gateway;
  site: Site;
  state: GuestState;
  acceptance: Acceptance;
}

/**
 * One router's external-portal protocol. A driver is the only code that knows its router's
 * parameters, tokens and answers; adding a router means adding a driver, its simulated twin in
 * test/ and its setup text.
 */
export interface GatewayDriver {
  type: string;
  /** How the venue owner knows the router. */
  label: string;
  /** Checks and normalises the type's options from `gateway add`; throws a UserError on a bad one. */
  parseSettings(options: Record<string, string | undefined>): Record<string, unknown>;
  /** The endpoints the router and the captured browser call, served on the edge. */
  endpoints(ctx: Context): Endpoint[];
  /** Refuses an accept form that does not fit the state it carries, before anything is recorded. */
  checkAcceptForm(form: Record<string, unknown>, state: GuestState, site: Site): void;
  /** Lets the guest online, after the acceptance is committed. */
  handoff(ctx: Context, request: HandoffRequest): Promise<Handoff>;
  /** The origin the accept form ends up at, for the page's Content-Security-Policy form-action. */
  handoffOrigin(state: GuestState): string;
  /** Step-by-step router settings for this Portico, in the owner's words. */
  setupText(gateway: Gateway, site: Site, config: Config): string;
  /** The file the router serves to captured guests, for routers that need one uploaded. */
  uploadPage?(gateway: Gateway, site: Site, config: Config): string;
}

/** What a gateway id may be: the owner chooses it (or the router's gw_id), and routes check it before use. */
export const gatewayIdPattern = /^[A-Za-z0-9._:-]{1,64}$/;

