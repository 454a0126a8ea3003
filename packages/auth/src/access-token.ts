import { AuthError, storeUnavailable } from "./errors.js";
import type { OidcConfig } from "./oidc/config.js";
import { OidcError } from "./oidc/oidc-error.js";
import { needsRefresh, refreshTokenSet } from "./oidc/refresh.js";
import { createSingleFlight } from "./oidc/single-flight.js";
import type { CookieJar, CookieWrite } from "./session/session-cookies.js";
import type { SessionCore, ValidSessionRead } from "./session/session-core.js";
import { SessionStoreError } from "./store/session-store-error.js";
import type { RefreshLeaseStore, SessionData, SessionStore, TokenSet } from "./store/types.js";

/** A valid access token, as `getAccessToken` and the access-token route answer it. */
export interface AccessToken {
  /** The access token itself. */
  token: string;
  /** When it expires, in epoch milliseconds, when the provider said. */
  expiresAt?: number;
  /** The scopes it was granted. */
  scope?: string;
  /** Usually `Bearer`. */
  tokenType?: string;
}

/** Options of `auth.getAccessToken`. */
export interface GetAccessTokenOptions {
  /** Refresh even if the current token is still valid. @default false */
  refresh?: boolean;
}

/** An access token (or `null` without a session) and the cookie writes a refresh needs. */
export interface AccessTokenResult {
  accessToken: AccessToken | null;
  writes: CookieWrite[];
}

/** Hands out access tokens of sessions, refreshing each refresh token once across instances. */
export interface AccessTokens {
  get(jar: CookieJar, options?: GetAccessTokenOptions): Promise<AccessTokenResult>;
}

/** Options of {@link createAccessTokens}. */
export interface AccessTokensOptions {
  /** Told how each refresh ended (telemetry). */
  onRefresh?: (outcome: "refreshed" | "reused" | "failed") => void;
}

/** How long one instance holds the refresh lease of a session at most, in milliseconds. */
const LEASE_MS = 15_000;
/** How often a request waiting for another instance's refresh looks at the store again. */
const POLL_MS = 50;

function toAccessToken(tokenSet: TokenSet): AccessToken {
  if (tokenSet.accessToken === undefined || tokenSet.accessToken === "") {
    throw new OidcError("OIDC_TOKEN_RESPONSE_INVALID", "The provider issued no access token", {
      reason: "access_token_missing",
    });
  }
  const token: AccessToken = { token: tokenSet.accessToken };
  if (tokenSet.expiresAt !== undefined) token.expiresAt = tokenSet.expiresAt;
  if (tokenSet.scope !== undefined) token.scope = tokenSet.scope;
  if (tokenSet.tokenType !== undefined) token.tokenType = tokenSet.tokenType;
  return token;
}

/** Whether someone replaced the token set since `before` was read. */
const replaced = (before: TokenSet, now: TokenSet) =>
  before.refreshToken !== now.refreshToken ||
  before.accessToken !== now.accessToken ||
  before.expiresAt !== now.expiresAt;

const leaseOf = (store: SessionStore | undefined) =>
  typeof (store as Partial<RefreshLeaseStore> | undefined)?.acquireRefreshLease === "function"
    ? (store as SessionStore & RefreshLeaseStore)
    : undefined;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What one refresh flight settles to. */
interface Flight {
  tokenSet: TokenSet | null;
  writes: CookieWrite[];
}

/**
 * Refreshes when the token is missing, expired or within `refreshBuffer` of expiring. A rotating
 * refresh token is spent once: within a process by a single flight per session; across instances
 * by re-reading the stored session inside the flight (someone else may have refreshed already)
 * and, when the store offers {@link RefreshLeaseStore}, by a short lease: the instance that holds
 * it refreshes, the others wait for its tokens to appear in the store. A refresh writes only the
 * token set onto the current stored session, never a whole stale one.
 */
export function createAccessTokens(
  oidc: OidcConfig,
  core: SessionCore,
  options: AccessTokensOptions = {},
): AccessTokens {
  const flight = createSingleFlight<Flight>();
  const store = core.store;
  const leases = leaseOf(store);
  const fresh = (tokenSet: TokenSet, now = Date.now()) =>
    !needsRefresh(tokenSet, { refreshBuffer: oidc.refreshBuffer, now });

  /** Spends `tokenSet`'s refresh token and writes the new token set onto `base`. */
  async function spend(read: ValidSessionRead, base: SessionData): Promise<Flight> {
    let refreshed: TokenSet;
    try {
      ({ tokenSet: refreshed } = await refreshTokenSet(oidc, base.tokenSet, {
        expectedSubject: base.user.sub,
      }));
    } catch (error) {
      options.onRefresh?.("failed");
      throw error;
    }
    options.onRefresh?.("refreshed");
    const writes = await core.write(read, { ...base, tokenSet: refreshed });
    core.emit({
      type: "refreshed",
      iss: base.internal.iss,
      sub: base.user.sub,
      ...(base.internal.sid === undefined ? {} : { sid: base.internal.sid }),
      ...(read.storeId === undefined ? {} : { storeId: read.storeId }),
    });
    return { tokenSet: refreshed, writes };
  }

  /** The stored session now, or `null` once it has ended. */
  async function reread(storeId: string): Promise<SessionData | null> {
    try {
      return await core.fetch(storeId);
    } catch (error) {
      throw storeUnavailable(
        error instanceof SessionStoreError
          ? error
          : new SessionStoreError("STORE_OPERATION_FAILED", "the session store threw", {
              cause: error,
            }),
      );
    }
  }

  /** Stateful: coordinate with other requests and instances through the store. */
  async function refreshStored(read: ValidSessionRead, force: boolean): Promise<Flight> {
    const storeId = read.storeId!;
    const before = read.session.tokenSet;
    // Someone refreshed after this request read the session: their token is the answer, even
    // inside `refreshBuffer` (refreshing again would spend a token for nothing), unless expired.
    const settled = (current: SessionData) =>
      replaced(before, current.tokenSet) &&
      (force || !needsRefresh(current.tokenSet, { refreshBuffer: 0 }));
    const reuse = (current: SessionData): Flight => {
      options.onRefresh?.("reused");
      return { tokenSet: current.tokenSet, writes: [] };
    };
    const ended = (): Flight => ({ tokenSet: null, writes: core.clear(read.cookieNames) });

    let current = await reread(storeId);
    if (current === null) return ended();
    if (settled(current)) return reuse(current);
    if (!leases) return spend(read, current);

    const holder = core.sealer.engine.randomId();
    const deadline = Date.now() + LEASE_MS + 5_000;
    for (;;) {
      let held: boolean;
      try {
        held = await leases.acquireRefreshLease(storeId, holder, Date.now() + LEASE_MS);
      } catch (error) {
        throw storeUnavailable(
          error instanceof SessionStoreError
            ? error
            : new SessionStoreError("STORE_OPERATION_FAILED", "the session store threw", {
                cause: error,
              }),
        );
      }
      if (held) {
        try {
          // The previous holder may have finished between our read and our lease.
          current = await reread(storeId);
          if (current === null) return ended();
          if (settled(current)) return reuse(current);
          return await spend(read, current);
        } finally {
          await leases.releaseRefreshLease(storeId, holder).catch(() => {
            // It expires on its own; a failed release only delays the next refresh.
          });
        }
      }
      // Another instance is refreshing: its tokens appear in the store when it is done.
      await sleep(POLL_MS);
      current = await reread(storeId);
      if (current === null) return ended();
      if (settled(current)) return reuse(current);
      if (Date.now() > deadline) {
        throw new AuthError(
          "AUTH_STORE_UNAVAILABLE",
          "another instance holds the refresh lease of this session and did not finish in time",
        );
      }
    }
  }

  return {
    async get(jar, getOptions = {}) {
      const now = Date.now();
      const read = await core.read(jar, now);
      if (read.kind === "unavailable") {
        throw storeUnavailable(read.error);
      }
      if (read.kind === "invalid") return { accessToken: null, writes: core.discard(read) };
      if (read.kind !== "valid") return { accessToken: null, writes: [] };
      const { session } = read;
      const force = getOptions.refresh === true;
      if (!force && fresh(session.tokenSet, now)) {
        return { accessToken: toAccessToken(session.tokenSet), writes: [] };
      }
      // Stateful: the store id; stateless: the refresh token being spent (hashed, never kept).
      const key =
        read.storeId ??
        `rt:${await core.sealer.engine.sha256(session.tokenSet.refreshToken ?? read.cookieNames.join())}`;
      const { tokenSet, writes } = await flight.run(key, () =>
        read.storeId ? refreshStored(read, force) : spend(read, session),
      );
      if (tokenSet === null) return { accessToken: null, writes };
      return { accessToken: toAccessToken(tokenSet), writes };
    },
  };
}
