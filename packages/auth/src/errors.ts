/** Stable codes of {@link AuthError}. */
export type AuthErrorCode =
  /** An option or environment variable is missing or malformed. */
  | "AUTH_CONFIG_INVALID"
  /** A session cookie could not be opened (expired, tampered, wrong key…). */
  | "AUTH_SESSION_UNREADABLE"
  /** The session store failed; `cause` is the {@link SessionStoreError}. */
  | "AUTH_STORE_UNAVAILABLE"
  /** An operation needs a signed-in session and the request has none. */
  | "AUTH_SESSION_MISSING";

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
