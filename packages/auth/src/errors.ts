import { brand, hasBrand, SessionStoreError } from "./store/session-store-error.js";

/**
 * Every code of {@link AuthError} (and of its subclass `OidcError`), with the HTTP status an auth
 * route answers for it (also `error.status`). The one table: the code unions below and every
 * route's status derive from it. Routes log every 5xx; none is ever caused by a bad cookie or token.
 */
export const AUTH_ERROR_STATUS = {
  /** An option or environment variable given to `createAuth` is missing or malformed. */
  AUTH_CONFIG_INVALID: 500,
  /** A function of the API was called with a bad argument (e.g. a session without `user.sub`). */
  AUTH_INVALID_ARGUMENT: 500,
  /** A bug or an unexpected failure inside sessionkit or an app hook; the route logs it. */
  AUTH_INTERNAL_ERROR: 500,
  /**
   * The session store failed while sessionkit used it. Thrown to the app by the core; `cause` is
   * the driver's `SessionStoreError`, whose own code (`STORE_UNAVAILABLE`, `STORE_THROTTLED`…)
   * says how the backend failed. An `AuthError` code, never a `SessionStoreError` one.
   */
  AUTH_STORE_UNAVAILABLE: 503,
  /**
   * A session would not fit in cookies the browser can send back (a stateless session sealing past
   * the chunk limit or Node's 16 KiB header limit): refused instead of written and never read.
   */
  AUTH_SESSION_TOO_LARGE: 500,
  /** An operation needs a signed-in session and the request has none. */
  AUTH_SESSION_MISSING: 401,
  /** Session management (`listSessions`, `revoke*`) was used with stateless cookie sessions: it needs a `sessionStore`. */
  AUTH_STORE_REQUIRED: 501,
  /** `revokeSession` was given an id that is not one of the signed-in user's live sessions; nothing changed. */
  AUTH_SESSION_NOT_FOUND: 404,
  /** An OIDC feature (routes, `getAccessToken`) was used without `issuer` (AUTH_ISSUER). */
  AUTH_OIDC_NOT_CONFIGURED: 501,
  /** `beforeSessionSaved` threw: the login is refused. */
  AUTH_SESSION_REJECTED: 403,
  /** The provider's discovery document could not be fetched or is invalid. */
  OIDC_DISCOVERY_FAILED: 502,
  /** The provider did not answer in time, or answered 5xx. */
  OIDC_PROVIDER_UNAVAILABLE: 502,
  /**
   * The token endpoint refused the client itself (`invalid_client`, `unauthorized_client`): a wrong
   * secret, or a `clientAuthMethod` the provider does not accept. A configuration error; logged.
   */
  OIDC_CLIENT_REJECTED: 500,
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
  /** The back-channel logout request is not a form-encoded POST with one `logout_token` (400, 405 for another method). */
  OIDC_LOGOUT_REQUEST_INVALID: 400,
  /** The logout token failed verification. */
  OIDC_LOGOUT_TOKEN_INVALID: 400,
} as const satisfies Record<string, number>;

/** Stable codes of {@link AuthError}; see each one's JSDoc for when it is thrown. */
export type AuthErrorCode = keyof typeof AUTH_ERROR_STATUS;

/** The codes of the OIDC protocol layer (`OIDC_*`), thrown as `OidcError`. */
export type OidcErrorCode = Extract<AuthErrorCode, `OIDC_${string}`>;

/** The HTTP status an auth route answers for `code`. */
export function statusOf(code: AuthErrorCode): number {
  return AUTH_ERROR_STATUS[code];
}

/** Options of the {@link AuthError} constructor. */
export interface AuthErrorOptions {
  /** The underlying error; kept out of `JSON.stringify` and enumeration, like `Error#cause`. */
  cause?: unknown;
}

const AUTH_ERROR = Symbol.for("@sessionkit/auth.AuthError");

/**
 * An error of sessionkit's core, with a stable `code` and the HTTP `status` a route answers for
 * it. Its message never holds a token, cookie value or secret.
 */
export class AuthError extends Error {
  override readonly name: string = "AuthError";
  readonly code: AuthErrorCode;
  /** The HTTP status an auth route answers for this error, from its code. */
  readonly status: number;

  constructor(code: AuthErrorCode, message: string, options: AuthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = statusOf(code);
    brand(this, AUTH_ERROR);
  }

  /** `instanceof` holds for an `AuthError` of any copy of this package (Next may bundle several). */
  static [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, AUTH_ERROR);
  }
}

/**
 * Whether `error` is an {@link AuthError} (an `OidcError` included), optionally with the given
 * code; narrows `code` to it. Store failures are `AUTH_STORE_UNAVAILABLE` here; the driver's own
 * `STORE_*` code is on `error.cause` (see `isSessionStoreError`).
 */
export function isAuthError<C extends AuthErrorCode = AuthErrorCode>(
  error: unknown,
  code?: C,
): error is AuthError & { readonly code: C } {
  return error instanceof AuthError && (code === undefined || error.code === code);
}

/** The `AUTH_STORE_UNAVAILABLE` error every store-backed operation throws; `cause` is the store's error. */
export function storeUnavailable(cause: SessionStoreError): AuthError {
  return new AuthError("AUTH_STORE_UNAVAILABLE", "the session store is unavailable", { cause });
}

/** Wraps a failure that is not an {@link AuthError} (a bug, a hook that threw) as `AUTH_INTERNAL_ERROR`. */
export function internalError(cause: unknown, message = "an unexpected error"): AuthError {
  return new AuthError("AUTH_INTERNAL_ERROR", message, { cause });
}

/**
 * `error` as an {@link AuthError}: itself, `AUTH_STORE_UNAVAILABLE` around a store's error, or
 * `AUTH_INTERNAL_ERROR` around anything else.
 */
export function toAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof SessionStoreError) return storeUnavailable(error);
  return internalError(error);
}
