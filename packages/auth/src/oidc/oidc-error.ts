import { AuthError, type AuthErrorOptions } from "../errors.js";

/** Stable codes of {@link OidcError}, each with the HTTP status a route should answer. */
export const OIDC_ERROR_STATUS = {
  /** The provider's discovery document could not be fetched or is invalid. */
  OIDC_DISCOVERY_FAILED: 502,
  /** The provider did not answer in time, answered 5xx, or refused our client credentials. */
  OIDC_PROVIDER_UNAVAILABLE: 502,
  /** The callback request is malformed, or its state/issuer does not match the transaction. */
  OIDC_CALLBACK_INVALID: 400,
  /** The provider answered the authorization request with an error (e.g. `access_denied`). */
  OIDC_AUTHORIZATION_DENIED: 400,
  /** The token endpoint rejected the authorization code (replayed, expired, PKCE mismatch). */
  OIDC_CODE_REJECTED: 400,
  /** The ID token failed validation (issuer, audience, nonce, expiry, algorithm…). */
  OIDC_ID_TOKEN_INVALID: 400,
  /** The token endpoint's answer is not a valid token response. */
  OIDC_TOKEN_RESPONSE_INVALID: 502,
  /** The session holds no refresh token. */
  OIDC_REFRESH_TOKEN_MISSING: 401,
  /** The provider rejected the refresh token (revoked, reused, expired): the session is over. */
  OIDC_REFRESH_REJECTED: 401,
  /** The back-channel logout request is not a form-encoded POST with one `logout_token`. */
  OIDC_LOGOUT_REQUEST_INVALID: 400,
  /** The logout token failed verification. */
  OIDC_LOGOUT_TOKEN_INVALID: 400,
} as const;

/** Stable codes of {@link OidcError}. */
export type OidcErrorCode = keyof typeof OIDC_ERROR_STATUS;

/** Options of the {@link OidcError} constructor. */
export interface OidcErrorOptions extends AuthErrorOptions {
  /** A short, stable, snake_case reason safe to show to the caller (e.g. `state_mismatch`). */
  reason?: string;
  /** The HTTP status to answer. @default the code's status in {@link OIDC_ERROR_STATUS} */
  status?: number;
}

/**
 * A failure of the OIDC protocol layer. Every code maps to a 4xx or 502 status, never 500. The
 * message never holds a token, code, cookie value or secret.
 */
export class OidcError extends AuthError {
  override readonly name: string = "OidcError";
  override readonly code: OidcErrorCode;
  /** The HTTP status a route should answer with. */
  readonly status: number;
  /** A short, stable, snake_case reason, safe to show to the caller. */
  readonly reason: string;

  constructor(code: OidcErrorCode, message: string, options: OidcErrorOptions = {}) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? OIDC_ERROR_STATUS[code];
    this.reason = options.reason ?? code.slice("OIDC_".length).toLowerCase();
  }
}

/** Whether `value` is an {@link OidcError}, optionally with the given code. */
export function isOidcError(value: unknown, code?: OidcErrorCode): value is OidcError {
  return value instanceof OidcError && (code === undefined || value.code === code);
}
