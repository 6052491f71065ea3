/**
 * A one-time login to a RADIUS router (pfSense in RADIUS mode, CoovaChilli), issued when the guest
 * accepts: bound to that acceptance, the router and the guest's MAC and IP as the router reported them.
 */
export interface RadiusCredential {
  username: string;
  gatewayId: string;
  acceptanceId: number;
  siteId: number;
  clientMac: string | null;
  clientIp: string;
  /** The guest's language, for a Reject's Reply-Message. */
  language: string;
  issuedAt: number;
  /** Not accepted by then, it never is. */
  useBy: number;
  /** The first Access-Accept; from then on it serves only the session it opened. */
  acceptedAt: number | null;
  /** The Acct-Session-Id of that session, once the router's accounting Start names it. */
  sessionKey: string | null;
}

export type NewRadiusCredential = Omit<RadiusCredential, 'acceptedAt' | 'sessionKey'>;

export interface RadiusCredentialStore {
  /** Stores a credential; one issued already under that user name (the same page accepted again) stays as it is. */
  issueRadiusCredential(credential: NewRadiusCredential): Promise<void>;
  findRadiusCredential(username: string): Promise<RadiusCredential | undefined>;
  /** Marks its first Access-Accept, if it has none and is still usable at `at`; false when it had one or is too old. */
  acceptRadiusCredential(username: string, at: number): Promise<boolean>;
  /** Names the session the credential's Accept opened; only the first Start names it. */
  linkRadiusSession(username: string, sessionKey: string): Promise<boolean>;
}
