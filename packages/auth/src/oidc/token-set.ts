import type * as oauth from "oauth4webapi";
import type { SessionUser, TokenSet } from "../store/types.js";

// Protocol claims about the token itself, not the user; the session keeps `sid` in `internal`.
const PROTOCOL_CLAIMS = new Set([
  "aud",
  "azp",
  "exp",
  "iat",
  "nbf",
  "iss",
  "jti",
  "nonce",
  "at_hash",
  "c_hash",
  "s_hash",
  "sid",
  "auth_time",
]);

/** The user claims of a validated ID token: everything but the protocol claims. */
export function userFromIdTokenClaims(claims: oauth.IDToken): SessionUser {
  // The app declares which claims its provider sends (SessionUser augmentation): ours to trust.
  const user = { sub: claims.sub } as SessionUser;
  for (const [key, value] of Object.entries(claims)) {
    if (!PROTOCOL_CLAIMS.has(key) && value !== undefined) user[key] = value;
  }
  return user;
}

/**
 * A {@link TokenSet} from a token endpoint response; `expiresAt` is epoch milliseconds. Without a new
 * refresh token or ID token, those of `previous` are kept (providers that do not rotate).
 */
export function tokenSetFromResponse(
  response: oauth.TokenEndpointResponse,
  now: number,
  previous?: TokenSet,
): TokenSet {
  const tokenSet: TokenSet = { accessToken: response.access_token, tokenType: response.token_type };
  const idToken = response.id_token ?? previous?.idToken;
  if (idToken !== undefined) tokenSet.idToken = idToken;
  const refreshToken = response.refresh_token ?? previous?.refreshToken;
  if (refreshToken !== undefined) tokenSet.refreshToken = refreshToken;
  if (typeof response.expires_in === "number") {
    tokenSet.expiresAt = now + Math.floor(response.expires_in * 1000);
  }
  const scope = response.scope ?? previous?.scope;
  if (scope !== undefined) tokenSet.scope = scope;
  return tokenSet;
}
