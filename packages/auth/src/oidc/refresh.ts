import * as oauth from "oauth4webapi";
import type { TokenSet } from "../store/types.js";
import { clientAuthentication, oauthClient } from "./client.js";
import type { OidcConfig } from "./config.js";
import { discover } from "./discovery.js";
import { httpOptions } from "./http-options.js";
import { OidcError } from "./oidc-error.js";
import { tokenEndpointError } from "./token-errors.js";
import { tokenSetFromResponse } from "./token-set.js";

/** Options of {@link needsRefresh}. */
export interface NeedsRefreshOptions {
  /** Refresh this many seconds before the access token expires. @default 60 */
  refreshBuffer?: number;
  /** The time to judge at, in epoch milliseconds. @default Date.now() */
  now?: number;
}

/**
 * Whether the access token is missing, expired, or expires within `refreshBuffer` seconds. A
 * token set without `expiresAt` never needs a refresh.
 */
export function needsRefresh(tokenSet: TokenSet, options: NeedsRefreshOptions = {}): boolean {
  if (tokenSet.accessToken === undefined || tokenSet.accessToken === "") return true;
  if (tokenSet.expiresAt === undefined) return false;
  const { refreshBuffer = 60, now = Date.now() } = options;
  return tokenSet.expiresAt - refreshBuffer * 1000 <= now;
}

/** Options of {@link refreshTokenSet}. */
export interface RefreshTokenSetOptions {
  /** The session's user `sub`: a new ID token must be about the same user. @default not checked */
  expectedSubject?: string;
  /** Extra token request parameters (e.g. `scope` to narrow). @default none */
  additionalParameters?: Record<string, string>;
  /** The current time, in epoch milliseconds. @default Date.now() */
  now?: number;
}

/** What {@link refreshTokenSet} produces. */
export interface RefreshResult {
  /** The new token set; the old refresh/ID token is kept when the provider sends none. */
  tokenSet: TokenSet;
  /** Claims of the new ID token, when the provider sent one. */
  idTokenClaims?: oauth.IDToken;
}

/**
 * The refresh-token grant. Throws `OIDC_REFRESH_TOKEN_MISSING` (401) without a refresh token,
 * `OIDC_REFRESH_REJECTED` (401: the session is over) when the provider refuses it,
 * `OIDC_ID_TOKEN_INVALID` for a bad new ID token, `OIDC_PROVIDER_UNAVAILABLE` (502) on outage.
 */
export async function refreshTokenSet(
  config: OidcConfig,
  tokenSet: TokenSet,
  options: RefreshTokenSetOptions = {},
): Promise<RefreshResult> {
  const refreshToken = tokenSet.refreshToken;
  if (refreshToken === undefined || refreshToken === "") {
    throw new OidcError("OIDC_REFRESH_TOKEN_MISSING", "The session has no refresh token");
  }
  const as = await discover(config);
  const client = oauthClient(config);
  let result: oauth.TokenEndpointResponse;
  let claims: oauth.IDToken | undefined;
  // Timestamps from before the request, so expiry is never overestimated.
  const now = options.now ?? Date.now();
  try {
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      clientAuthentication(config),
      refreshToken,
      {
        ...httpOptions(config),
        ...(options.additionalParameters === undefined
          ? {}
          : { additionalParameters: options.additionalParameters }),
      },
    );
    result = await oauth.processRefreshTokenResponse(as, client, response);
    claims = oauth.getValidatedIdTokenClaims(result);
  } catch (error) {
    throw tokenEndpointError(error, "OIDC_REFRESH_REJECTED");
  }
  if (
    claims !== undefined &&
    options.expectedSubject !== undefined &&
    claims.sub !== options.expectedSubject
  ) {
    throw new OidcError("OIDC_ID_TOKEN_INVALID", "The refreshed ID token is about another user", {
      reason: "subject_mismatch",
    });
  }
  return {
    tokenSet: tokenSetFromResponse(result, now, tokenSet),
    ...(claims === undefined ? {} : { idTokenClaims: claims }),
  };
}
