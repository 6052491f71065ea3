import type { Config } from '../config';
import type { Context } from '../context';
import type { Endpoint } from '../endpoint';
import type { GuestState } from '../guest/state';
import type { RouterStatus } from '../statistics';
import type { Acceptance, Gateway, ReportedHealth, Site } from '../store/types';

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
  /** The router's name in short, for messages ("--address is for <short label>"). */
  shortLabel: string;
  /** The settings the owner gives this router; `gateway add`, the admin's router forms and the stored settings come from them. */
  options: DriverOption[];
  /**
   * The settings checked together and completed with what follows from them (a shared secret made when
   * the owner gave none), after each option was parsed; throws a UserError in plain words. `portal` is this
   * Portico's address where the caller knows it (a setting that needs HTTPS is refused on a plain-HTTP one).
   */
  settle?(settings: Record<string, unknown>, portal?: Pick<Config, 'publicUrl'>): Record<string, unknown>;
  /** Whether and how the router reports itself, and how its state is worded. */
  health: HealthModel;
  /** Long-running servers beyond HTTP (a RADIUS socket), started after the store opens and stopped before it closes. */
  listeners?(ctx: Context): Listener[];
  /** The endpoints the router and the captured browser call, served on the edge. */
  endpoints(ctx: Context): Endpoint[];
  /** Refuses an accept form that does not fit the state it carries, before anything is recorded. */
  checkAcceptForm(ctx: Context, form: Record<string, unknown>, state: GuestState, site: Site): void;
  /** Lets the guest online, after the acceptance is committed. */
  handoff(ctx: Context, request: HandoffRequest): Promise<Handoff>;
  /**
   * Whether the router's description of the guest that this page was made from could have been written by
   * anyone (openNDS level 1): recorded with the acceptance. Not given: it could not.
   */
  unauthenticatedArrival?(state: GuestState): boolean;
  /** The origin the accept form ends up at, for the page's Content-Security-Policy form-action. */
  handoffOrigin(state: GuestState): string;
  /**
   * Step-by-step router settings for this Portico, in the owner's words: the admin's router page and `gateway setup`.
   * A promise where the text needs a lookup first (openNDS takes Portico's IP address, not its name).
   */
  setup(gateway: Gateway, site: Site, config: Config): RouterSetup | Promise<RouterSetup>;
  /** The file the router serves to captured guests, for routers that need one uploaded. */
  uploadPage?(gateway: Gateway, site: Site, config: Config): string;
}

/** What to make on the router, in the order its own pages ask for it. */
export interface RouterSetup {
  title: string;
  /** Where in the router's interface the steps are made. */
  where: string;
  steps: SetupStep[];
  /** What follows from these settings, once they are made. */
  notes: string[];
}

/** One thing to do on the router: a field to fill in (its name and the value) or an action. */
export interface SetupStep {
  /** The field's name as the router's page shows it, or what to do. */
  text: string;
  /** What to type, each shown to copy; a value without a label is the field's own. */
  values?: SetupValue[];
  /** Why, or what it leads to. */
  note?: string;
  /** Upload the page the driver makes (uploadPage): the admin offers it to download, the command line names the command. */
  uploadsPage?: boolean;
}

export interface SetupValue {
  label?: string;
  value: string;
}

/** One setting of a router: a `gateway add` flag and a field of the admin's router forms. */
export interface DriverOption {
  /** The command-line flag, without its "--". */
  name: string;
  /** The key it is stored under in the gateway's settings, which also names the admin form's field. */
  setting: string;
  label: string;
  /** What to give, in the owner's words: the usage line and the form's hint. */
  help: string;
  /** What the flag takes, for usage: "<seconds>". */
  placeholder: string;
  required?: boolean;
  /** Never shown back: the router page says only whether it is set. */
  secret?: boolean;
  /** What is stored when the owner gives nothing. */
  default?: string;
  /** The only values it takes, when there are a few (the admin offers them as a list). */
  choices?: string[];
  /** The value to store, from what the owner typed (trimmed, never empty); throws a UserError in plain words. */
  parse(text: string): string | number;
}

/** One line of what a router reported, for its page. */
export interface HealthFact {
  label: string;
  value: string;
}

/** A router's state as the dashboard words it. */
export interface RouterState {
  status: RouterStatus;
  /** Seconds between its reports; null for a router that never reports. */
  reportIntervalSeconds: number | null;
}

export interface HealthModel {
  /** Seconds between the router's reports of itself, read from its settings; null when it never reports. */
  reportIntervalSeconds(settings: Record<string, unknown>): number | null;
  /** What its reports say, for the router page. */
  facts(reported: ReportedHealth): HealthFact[];
  /** The dashboard's note on the router's state ('' for none). */
  explain(state: RouterState): string;
}

/** A long-running server a driver owns, such as a UDP socket. */
export interface Listener {
  /** For the log. */
  name: string;
  /** Resolves once it is listening; rejects when it cannot. */
  start(): Promise<void>;
  /** Resolves once it is closed. */
  stop(): Promise<void>;
}

/** What a gateway id may be: the owner chooses it (or the router's gw_id), and routes check it before use. */
export const gatewayIdPattern = /^[A-Za-z0-9._:-]{1,64}$/;

