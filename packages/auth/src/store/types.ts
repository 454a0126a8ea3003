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

/** Options of `SessionStore.set`, `SessionStore.update` and `SessionStore.touch`. */
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

/** One user at one provider: the key of `SessionStore.listSessions`. */
export interface SessionOwner {
  /** The issuer that authenticated the user (`internal.iss`). */
  iss: string;
  /** The user's subject (`user.sub`). */
  sub: string;
}

/** One live session as `SessionStore.listSessions` answers it. */
export interface StoredSession {
  /** The id the store keeps the session under (what `get`, `touch` and `delete` take). */
  id: string;
  /** The session's data, as last written by `set` or `update` (a fresh copy). */
  session: SessionData;
  /** When the record ends, in epoch milliseconds: the last `expiresAt` given to `set`, `update` or `touch`. */
  expiresAt: number;
}

/**
 * Where stateful sessions live. Every store keeps the rules in `docs/writing-a-store.md`; the
 * `@sessionkit/store-conformance` suite checks them. Times are epoch milliseconds.
 *
 * A record's expiry is the `expiresAt` of its last `set`, `update` or `touch`: `touch` moves it
 * without rewriting the data, so `session.internal.expiresAt` may be older than the record's.
 */
export interface SessionStore {
  /** A short name of the store (e.g. `"redis"`) for telemetry and logs; optional. */
  readonly name?: string;
  /** The live session under `id`, or `null` (missing, expired or unreadable). */
  get(id: string): Promise<SessionData | null>;
  /** Upsert. An `expiresAt` already in the past deletes. */
  set(id: string, session: SessionData, options: SessionWriteOptions): Promise<void>;
  /** Writes data and expiry only if a live session exists under `id`, atomically; answers whether it wrote. */
  update(id: string, session: SessionData, options: SessionWriteOptions): Promise<boolean>;
  /**
   * Moves only the expiry of a live session (and of its index entries), atomically, never its
   * data; answers `false` when no live session is under `id`. A past `expiresAt` ends the session
   * (and answers `false`).
   */
  touch(id: string, options: SessionWriteOptions): Promise<boolean>;
  /** Idempotent: a missing id is not an error. */
  delete(id: string): Promise<void>;
  /** Ends the sessions a back-channel logout token names; answers how many it ended. */
  deleteByLogoutToken(claims: LogoutTokenClaims): Promise<number>;
  /**
   * The live sessions of one user at one issuer, read from the `iss`+`sub` index (never a scan),
   * in no particular order.
   */
  listSessions(owner: SessionOwner): Promise<StoredSession[]>;
}

/**
 * Optional extension: remembering back-channel logout token `jti`s in the store's own backend,
 * so every app instance refuses a replay. `createAuth` uses it when the store has
 * `claimLogoutToken`.
 */
export interface LogoutTokenReplayStore {
  /**
   * Records `jti` until `expiresAt` (epoch milliseconds), atomically: answers `true` the first
   * time a `jti` is claimed, `false` while an earlier claim of it is still live (a replay).
   */
  claimLogoutToken(jti: string, expiresAt: number): Promise<boolean>;
  /** Forgets a claim (the logout it guarded failed, so the provider's retry must be accepted). Idempotent. */
  releaseLogoutToken(jti: string): Promise<void>;
}

/**
 * Optional extension: a short lease per session that app instances take before spending a
 * refresh token, so a rotating refresh token is spent once across instances. `createAuth` uses
 * it when the store has `acquireRefreshLease`. Leases are independent of session records.
 */
export interface RefreshLeaseStore {
  /**
   * Takes the lease on session `id` for `holder` until `expiresAt` (epoch milliseconds),
   * atomically: `true` when no other holder's lease is live (taking it again as the same holder
   * extends it), `false` otherwise. A past `expiresAt` takes nothing and answers `false`.
   */
  acquireRefreshLease(id: string, holder: string, expiresAt: number): Promise<boolean>;
  /** Ends `holder`'s lease on `id`; another holder's lease, or none, is left alone. Idempotent. */
  releaseRefreshLease(id: string, holder: string): Promise<void>;
}
