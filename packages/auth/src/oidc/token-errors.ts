import * as oauth from "oauth4webapi";
import { describe, isTimeout } from "./discovery.js";
import { OidcError, type OidcErrorCode } from "./oidc-error.js";

// oauth4webapi codes raised by ID token checks (iss, aud, nonce, exp, alg, azp…).
const ID_TOKEN_CODES = new Set<string>([
  oauth.JWT_CLAIM_COMPARISON,
  oauth.JWT_TIMESTAMP_CHECK,
  oauth.JSON_ATTRIBUTE_COMPARISON,
  oauth.KEY_SELECTION,
]);

/**
 * Turns what a token endpoint exchange threw into an {@link OidcError}. `rejected` is the code for
 * `invalid_grant` (the code or refresh token is no good). Never copies a token into the message:
 * oauth4webapi's own messages are static, and its `cause` (which may hold the response body) is
 * not kept.
 */
export function tokenEndpointError(error: unknown, rejected: OidcErrorCode): OidcError {
  if (error instanceof OidcError) return error;
  if (error instanceof oauth.ResponseBodyError) {
    const oauthError = /^[\x20-\x7e]{1,64}$/.test(error.error) ? error.error : "unknown_error";
    if (oauthError === "invalid_grant") {
      return new OidcError(rejected, "The provider rejected the grant (invalid_grant)", {
        reason: "invalid_grant",
      });
    }
    if (oauthError === "invalid_client" || oauthError === "unauthorized_client") {
      return clientRejected(oauthError, printable(error.error_description));
    }
    if (error.status >= 500) {
      return new OidcError(
        "OIDC_PROVIDER_UNAVAILABLE",
        `The token endpoint answered ${error.status} (${oauthError})`,
        { reason: oauthError },
      );
    }
    return new OidcError(rejected, `The token endpoint answered ${error.status} (${oauthError})`, {
      reason: oauthError,
    });
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    const challenge = error.cause[0];
    const code = printable(challenge?.parameters.error) ?? "invalid_client";
    return clientRejected(code, printable(challenge?.parameters.error_description));
  }
  if (error instanceof oauth.OperationProcessingError) {
    const code = error.code ?? "";
    if (
      ID_TOKEN_CODES.has(code) ||
      /id_token|ID Token|"nonce"|"iss"|"aud"|"auth_time"/i.test(error.message)
    ) {
      return new OidcError("OIDC_ID_TOKEN_INVALID", `The ID token is invalid: ${error.message}`, {
        reason: idTokenReason(error.message),
      });
    }
    if (code === oauth.HTTP_REQUEST_FORBIDDEN || code === oauth.REQUEST_PROTOCOL_FORBIDDEN) {
      return new OidcError("OIDC_PROVIDER_UNAVAILABLE", error.message, {
        reason: "forbidden_request",
      });
    }
    return new OidcError(
      "OIDC_TOKEN_RESPONSE_INVALID",
      `The token endpoint's response is invalid: ${error.message}`,
      { reason: "invalid_token_response" },
    );
  }
  if (error instanceof oauth.UnsupportedOperationError) {
    return new OidcError("OIDC_TOKEN_RESPONSE_INVALID", error.message, {
      reason: "unsupported_response",
    });
  }
  return new OidcError(
    "OIDC_PROVIDER_UNAVAILABLE",
    `The request to the token endpoint failed: ${describe(error)}`,
    { cause: error, reason: isTimeout(error) ? "timeout" : "request_failed" },
  );
}

/** A provider's text fit for a log line: printable ASCII, bounded; `undefined` otherwise. */
function printable(text: unknown): string | undefined {
  return typeof text === "string" && /^[\x20-\x7e]{1,200}$/.test(text) ? text : undefined;
}

// The provider's own error code and description (never a secret: none is ever sent back), and
// what to check, since nothing else tells an operator why every login fails.
function clientRejected(code: string, description: string | undefined): OidcError {
  const said = description === undefined ? code : `${code}: ${description}`;
  return new OidcError(
    "OIDC_CLIENT_REJECTED",
    `The token endpoint refused this client (${said}); check clientId, clientSecret and clientAuthMethod (client_secret_basic sends form-encoded credentials as RFC 6749 requires, which some providers do not decode: try client_secret_post)`,
    { reason: code === "unauthorized_client" ? code : "invalid_client" },
  );
}

function idTokenReason(message: string): string {
  // `max_age` was sent: the provider must say when the user authenticated, and recently enough.
  if (/"auth_time"/.test(message)) return "auth_time_missing";
  if (/End-User authentication/.test(message)) return "max_age_exceeded";
  if (/"nonce"/.test(message)) return "nonce_mismatch";
  if (/"iss"/.test(message)) return "issuer_mismatch";
  if (/"aud"|"azp"/.test(message)) return "audience_mismatch";
  if (/"exp"|expired/i.test(message)) return "expired";
  if (/"iat"|"nbf"|timestamp/i.test(message)) return "bad_timestamp";
  if (/alg/i.test(message)) return "alg_not_allowed";
  return "id_token_invalid";
}
