import type { SessionStoreError } from "./store/session-store-error.js";

/** Stable codes of {@link AuthError}. */
export type AuthErrorCode =
  /** An option or environment variable is missing or malformed. */
  | "AUTH_CONFIG_INVALID"
  /** A session cookie could not be opened (expired, tampered, wrong key…). */
  | "AUTH_SESSION_UNREADABLE"
  /** The session store failed; `cause` is the {@link SessionStoreError}. */
  | "AUTH_STORE_UNAVAILABLE"
  /** An operation needs a signed-in session and the request has none. */
  | "AUTH_SESSION_MISSING"
  /** An OIDC feature (routes, `getAccessToken`) was used without `issuer` (AUTH_ISSUER) configured. */
  | "AUTH_OIDC_NOT_CONFIGURED"
  /** `beforeSessionSaved` threw: the login is refused (403). */
  | "AUTH_SESSION_REJECTED"
  /** The provider's discovery document could not be fetched or is invalid (502). */
  | "OIDC_DISCOVERY_FAILED"
  /** The provider did not answer in time, answered 5xx, or refused the client credentials (502). */
  | "OIDC_PROVIDER_UNAVAILABLE"
  /** The callback request is malformed, or its state/issuer does not match the transaction (400). */
  | "OIDC_CALLBACK_INVALID"
  /** The provider answered the authorization request with an error, e.g. `access_denied` (400). */
  | "OIDC_AUTHORIZATION_DENIED"
  /** The token endpoint rejected the authorization code: replayed, expired, PKCE mismatch (400). */
  | "OIDC_CODE_REJECTED"
  /** The ID token failed validation: issuer, audience, nonce, expiry, algorithm (400). */
  | "OIDC_ID_TOKEN_INVALID"
  /** The token endpoint's answer is not a valid token response (502). */
  | "OIDC_TOKEN_RESPONSE_INVALID"
  /** The session holds no refresh token (401). */
  | "OIDC_REFRESH_TOKEN_MISSING"
  /** The provider rejected the refresh token: revoked, reused, expired (401). */
  | "OIDC_REFRESH_REJECTED"
  /** The back-channel logout request is not a form-encoded POST with one `logout_token` (400/405). */
  | "OIDC_LOGOUT_REQUEST_INVALID"
  /** The logout token failed verification (400). */
  | "OIDC_LOGOUT_TOKEN_INVALID";

/** Options of the {@link AuthError} constructor. */
export interface AuthErrorOptions {
  /** The underlying error. */
  cause?: unknown;
}

/** An error of sessionkit's core. Its message never holds a token, cookie value or secret. */
export class AuthError extends Error {
  override readonly name: string = "AuthError";
  readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string, options: AuthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/** The `AUTH_STORE_UNAVAILABLE` error every store-backed operation throws; `cause` is the store's error. */
export function storeUnavailable(cause: SessionStoreError): AuthError {
  return new AuthError("AUTH_STORE_UNAVAILABLE", "the session store is unavailable", { cause });
}
