/** Claims about the signed-in user; `sub` is always present. */
export interface SessionUser {
  sub: string;
  [claim: string]: unknown;
}

/** The tokens the provider issued for this session. Times are epoch milliseconds. */
export interface TokenSet {
  accessToken?: string;
  idToken?: string;
  refreshToken?: string;
  /** When the access token expires, in epoch milliseconds. */
  expiresAt?: number;
  scope?: string;
  tokenType?: string;
}

/** Bookkeeping the core needs; apps should not change it. */
export interface SessionInternal {
  /** The issuer that authenticated the user. */
  iss: string;
  /** The provider's session id (`sid` claim), used by back-channel logout. */
  sid?: string;
  /** When the session began, in epoch milliseconds. */
  createdAt: number;
  /** When the session ends, in epoch milliseconds. */
  expiresAt: number;
}

/** A session: plain JSON. Apps may add their own top-level fields. */
export interface SessionData {
  user: SessionUser;
  tokenSet: TokenSet;
  internal: SessionInternal;
  [field: string]: unknown;
}

/** Options of `SessionStore.set` and `SessionStore.update`. */
export interface SessionWriteOptions {
  /** When the session ends, in epoch milliseconds. */
  expiresAt: number;
}

/** What a verified OIDC logout token names: `iss` plus `sid`, `sub`, or both. */
export interface LogoutTokenClaims {
  iss: string;
  sid?: string;
  sub?: string;
}

/**
 * Where stateful sessions live. Every store keeps the rules in DESIGN.md; the
 * `@sessionkit/store-conformance` suite checks them.
 */
export interface SessionStore {
  /** The live session under `id`, or `null` (missing, expired or unreadable). */
  get(id: string): Promise<SessionData | null>;
  /** Upsert. An `expiresAt` already in the past deletes. */
  set(id: string, session: SessionData, options: SessionWriteOptions): Promise<void>;
  /** Writes only if a live session exists under `id`, atomically; answers whether it wrote. */
  update(id: string, session: SessionData, options: SessionWriteOptions): Promise<boolean>;
  /** Idempotent: a missing id is not an error. */
  delete(id: string): Promise<void>;
  /** Ends the sessions a back-channel logout token names; answers how many it ended. */
  deleteByLogoutToken(claims: LogoutTokenClaims): Promise<number>;
}

/**
 * An optional extension a stateful store may implement next to {@link SessionStore}: remembering
 * back-channel logout token `jti`s in its own backend, so every app instance rejects a replay.
 * `createAuth` uses it when `typeof store.claimLogoutToken === "function"`.
 */
export interface LogoutTokenReplayStore {
  /**
   * Records `jti` until `expiresAt` (epoch milliseconds), atomically: answers `true` the first
   * time a `jti` is claimed, `false` while an earlier claim of it is still live (a replay).
   */
  claimLogoutToken(jti: string, expiresAt: number): Promise<boolean>;
}
