import { storeUnavailable } from "./errors.js";
import type { OidcConfig } from "./oidc/config.js";
import { OidcError } from "./oidc/oidc-error.js";
import { needsRefresh, refreshTokenSet } from "./oidc/refresh.js";
import { createSingleFlight } from "./oidc/single-flight.js";
import type { CookieJar, CookieWrite } from "./session/session-cookies.js";
import type { SessionCore } from "./session/session-core.js";
import type { TokenSet } from "./store/types.js";

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

/** Hands out access tokens of sessions, refreshing them single-flight per session. */
export interface AccessTokens {
  get(jar: CookieJar, options?: GetAccessTokenOptions): Promise<AccessTokenResult>;
}

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

/**
 * Refreshes when the token is missing, expired or within `refreshBuffer` of expiring. The refresh
 * and the write of its result are one flight per session, so parallel requests spend a rotating
 * refresh token once and a request arriving just after still finds the new one stored.
 */
export function createAccessTokens(oidc: OidcConfig, core: SessionCore): AccessTokens {
  const flight = createSingleFlight<{ tokenSet: TokenSet; writes: CookieWrite[] }>();
  return {
    async get(jar, options = {}) {
      const now = Date.now();
      const read = await core.read(jar, now);
      if (read.kind === "unavailable") {
        throw storeUnavailable(read.error);
      }
      if (read.kind === "invalid")
        return { accessToken: null, writes: core.clear(read.cookieNames) };
      if (read.kind !== "valid") return { accessToken: null, writes: [] };
      const { session } = read;
      if (options.refresh !== true && !needsRefresh(session.tokenSet, oidc.refreshBuffer, now)) {
        return { accessToken: toAccessToken(session.tokenSet), writes: [] };
      }
      // Stateful: the store id; stateless: the refresh token being spent (hashed, never kept).
      const key =
        read.storeId ??
        `rt:${await core.sealer.engine.sha256(session.tokenSet.refreshToken ?? read.cookieNames.join())}`;
      const { tokenSet, writes } = await flight.run(key, async () => {
        const refreshed = await refreshTokenSet(oidc, session.tokenSet, {
          expectedSubject: session.user.sub,
        });
        const written = await core.update(jar, (current) => ({
          ...current,
          tokenSet: refreshed.tokenSet,
        }));
        return { tokenSet: refreshed.tokenSet, writes: written };
      });
      return { accessToken: toAccessToken(tokenSet), writes };
    },
  };
}
