import * as oauth from "oauth4webapi";
import type { SessionData } from "../store/types.js";
import { clientAuthentication, oauthClient } from "./client.js";
import type { OidcConfig } from "./config.js";
import { discover } from "./discovery.js";
import { httpOptions } from "./http-options.js";
import { OidcError } from "./oidc-error.js";
import { tokenEndpointError } from "./token-errors.js";
import { tokenSetFromResponse, userFromIdTokenClaims } from "./token-set.js";
import { isLoginTransaction, isTransactionExpired, type LoginTransaction } from "./transaction.js";

/** Options of {@link handleCallback}. */
export interface HandleCallbackOptions {
  /** The current time, in epoch milliseconds. @default Date.now() */
  now?: number;
  /** Initial `internal.expiresAt` is `now` plus this many seconds; the session core may shorten it. @default 259200 (3 days) */
  sessionDuration?: number;
}

/** What a successful callback produces. */
export interface CallbackResult {
  /** The new session: user claims, tokens, `internal.iss`/`sid`. Give it a fresh session id. */
  session: SessionData;
  /** The validated ID token claims (for `beforeSessionSaved`). */
  idTokenClaims: oauth.IDToken;
  /** Where to redirect the user: the transaction's sanitised `returnTo`. */
  returnTo: string;
}

function invalid(reason: string, message: string): OidcError {
  return new OidcError("OIDC_CALLBACK_INVALID", message, { reason });
}

function callbackParameters(input: Request | URL | URLSearchParams): URLSearchParams {
  if (input instanceof URLSearchParams) return input;
  if (input instanceof URL) return input.searchParams;
  if (input.method !== "GET" && input.method !== "HEAD") {
    throw invalid("method_not_allowed", "The callback accepts only GET");
  }
  return new URL(input.url).searchParams;
}

function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1) throw invalid("duplicate_parameter", `The callback repeats "${name}"`);
  return values[0];
}

/**
 * Completes a login: checks the callback against its transaction (state, issuer, expiry), exchanges
 * the code with PKCE, validates the ID token (iss, aud, nonce, exp, alg, and `auth_time` when the
 * login sent `max_age`) and builds the session.
 * `transaction` is the unsealed `__txn_<state>` cookie, or `undefined` when there is none.
 * Throws only {@link OidcError} (400 for anything the request did, 502 when the provider failed).
 */
export async function handleCallback(
  config: OidcConfig,
  input: Request | URL | URLSearchParams,
  transaction: LoginTransaction | undefined,
  options: HandleCallbackOptions = {},
): Promise<CallbackResult> {
  const now = options.now ?? Date.now();
  const params = callbackParameters(input);
  const state = single(params, "state");
  if (state === undefined || state === "") {
    throw invalid("state_missing", "The callback has no state");
  }
  if (transaction === undefined) {
    throw invalid("transaction_missing", "No login transaction matches the callback's state");
  }
  if (!isLoginTransaction(transaction)) {
    throw invalid("transaction_invalid", "The login transaction is malformed");
  }
  if (transaction.state !== state) {
    throw invalid("state_mismatch", "The callback's state does not match the login transaction");
  }
  if (isTransactionExpired(transaction, config.transactionMaxAge, now)) {
    throw invalid("transaction_expired", "The login transaction has expired");
  }
  for (const name of ["code", "iss", "error"]) single(params, name);

  const as = await discover(config);
  const client = oauthClient(config);
  let validated: URLSearchParams;
  try {
    validated = oauth.validateAuthResponse(as, client, params, transaction.state);
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      const code = /^[\x20-\x7e]{1,64}$/.test(error.error) ? error.error : "unknown_error";
      throw new OidcError("OIDC_AUTHORIZATION_DENIED", `The provider answered ${code}`, {
        reason: code,
      });
    }
    const message = error instanceof Error ? error.message : "invalid authorization response";
    if (/"iss"/.test(message)) {
      throw invalid("issuer_mismatch", "The callback's issuer is not the configured provider");
    }
    throw invalid("malformed", `The callback is invalid: ${message}`);
  }
  const code = validated.get("code");
  if (code === null || code === "") throw invalid("code_missing", "The callback has no code");

  let result: oauth.TokenEndpointResponse;
  let claims: oauth.IDToken | undefined;
  try {
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuthentication(config),
      validated,
      config.redirectUri,
      transaction.codeVerifier,
      httpOptions(config),
    );
    result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: transaction.nonce,
      requireIdToken: true,
      // `auth_time` is then required and checked (with the clock tolerance).
      ...(transaction.maxAge === undefined ? {} : { maxAge: transaction.maxAge }),
    });
    claims = oauth.getValidatedIdTokenClaims(result);
  } catch (error) {
    throw tokenEndpointError(error, "OIDC_CODE_REJECTED");
  }
  if (claims === undefined) {
    throw new OidcError("OIDC_ID_TOKEN_INVALID", "The token response has no ID token", {
      reason: "id_token_missing",
    });
  }

  const sid = typeof claims.sid === "string" && claims.sid !== "" ? claims.sid : undefined;
  const session: SessionData = {
    user: userFromIdTokenClaims(claims),
    tokenSet: tokenSetFromResponse(result, now),
    internal: {
      iss: claims.iss,
      ...(sid === undefined ? {} : { sid }),
      createdAt: now,
      expiresAt: now + (options.sessionDuration ?? 259_200) * 1000,
    },
  };
  return { session, idTokenClaims: claims, returnTo: transaction.returnTo };
}
