import * as oauth from "oauth4webapi";
import type { OidcConfig } from "./config.js";
import { RESERVED_AUTHORIZATION_PARAMETERS } from "./config.js";
import { discover } from "./discovery.js";
import { OidcError } from "./oidc-error.js";
import { safeReturnTo } from "./safe-return-to.js";
import { createState, type LoginTransaction, transactionCookieName } from "./transaction.js";

/** Options of {@link createLoginRequest}. */
export interface CreateLoginRequestOptions {
  /** The query of the login request: allow-listed parameters are forwarded, `returnTo` is read. @default none */
  query?: URLSearchParams;
  /** Where to go after login (overrides the query's `returnTo`); unsafe values fall back. @default the query's `returnTo`, else `appBaseUrl` */
  returnTo?: string;
  /** Extra authorization parameters for this login only; reserved ones are ignored. @default {} */
  authorizationParameters?: Record<string, string>;
  /** The current time, in epoch milliseconds. @default Date.now() */
  now?: number;
}

/** What {@link createLoginRequest} produces. */
export interface LoginRequest {
  /** Redirect the browser here (302). */
  url: URL;
  /** Seal into the cookie {@link LoginRequest.cookieName}, for `transactionMaxAge` seconds. */
  transaction: LoginTransaction;
  /** `__txn_<state>`. */
  cookieName: string;
}

/**
 * Builds the authorization request: code flow, PKCE (S256), state and nonce, the static
 * `authorizationParameters`, then the allow-listed query parameters. `returnTo` is kept only
 * when same-origin. Throws `OIDC_DISCOVERY_FAILED` when the provider is unreachable.
 */
export async function createLoginRequest(
  config: OidcConfig,
  options: CreateLoginRequestOptions = {},
): Promise<LoginRequest> {
  const as = await discover(config);
  if (as.authorization_endpoint === undefined) {
    throw new OidcError("OIDC_DISCOVERY_FAILED", "The provider has no authorization_endpoint", {
      reason: "no_authorization_endpoint",
    });
  }
  const now = options.now ?? Date.now();
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const codeChallenge = await oauth.calculatePKCECodeChallenge(codeVerifier);
  const state = createState(oauth.generateRandomState(), now);
  const nonce = oauth.generateRandomNonce();
  const query = options.query ?? new URLSearchParams();
  const returnTo =
    safeReturnTo(options.returnTo ?? query.get("returnTo"), config.appBaseUrl) ??
    `${config.appBaseUrl}/`;

  const url = new URL(as.authorization_endpoint);
  const params = url.searchParams;
  for (const [key, value] of Object.entries(config.authorizationParameters)) params.set(key, value);
  for (const [key, value] of Object.entries(options.authorizationParameters ?? {})) {
    if (!RESERVED_AUTHORIZATION_PARAMETERS.has(key)) params.set(key, value);
  }
  for (const key of config.allowedLoginParameters) {
    const value = query.get(key);
    if (value !== null && value.length <= 1024) params.set(key, value);
  }
  // A `max_age` (static or per login) is remembered so the callback checks `auth_time` against it;
  // one that is not a whole number of seconds would be unenforceable, so it is not sent at all.
  const maxAgeText = params.get("max_age");
  let maxAge: number | undefined;
  if (maxAgeText !== null) {
    if (/^\d{1,9}$/.test(maxAgeText)) maxAge = Number(maxAgeText);
    else params.delete("max_age");
  }
  params.set("client_id", config.clientId);
  params.set("redirect_uri", config.redirectUri);
  params.set("response_type", "code");
  params.set("scope", config.scope);
  params.set("state", state);
  params.set("nonce", nonce);
  params.set("code_challenge", codeChallenge);
  params.set("code_challenge_method", "S256");

  return {
    url,
    transaction: {
      state,
      nonce,
      codeVerifier,
      returnTo,
      createdAt: now,
      ...(maxAge === undefined ? {} : { maxAge }),
    },
    cookieName: transactionCookieName(state),
  };
}
