/**
 * Stable codes of {@link SessionStoreError}, the error a store driver throws. They all start with
 * `STORE_`; the core never shows them to the app directly: it throws an `AuthError`
 * `AUTH_STORE_UNAVAILABLE` whose `cause` is this error.
 */
export type SessionStoreErrorCode =
  /** The backend cannot be reached, refused, or timed out; `retryAfter` may say when to try again. */
  | "STORE_UNAVAILABLE"
  /** The backend asked us to slow down; `retryAfter` says how long to wait. */
  | "STORE_THROTTLED"
  /** The session is larger than the backend can hold. */
  | "STORE_PAYLOAD_TOO_LARGE"
  /** The caller passed something the contract forbids (a bad option, id, expiry or logout token). */
  | "STORE_INVALID_ARGUMENT"
  /** Any other backend failure. */
  | "STORE_OPERATION_FAILED";

/** Options of the {@link SessionStoreError} constructor. */
export interface SessionStoreErrorOptions {
  /** The backend's own error; kept out of `JSON.stringify` and enumeration, like `Error#cause`. */
  cause?: unknown;
  /**
   * For `STORE_THROTTLED` and `STORE_UNAVAILABLE`: how long to wait before retrying, in seconds
   * (like HTTP `Retry-After`); may be fractional. @default undefined (no hint)
   */
  retryAfter?: number;
}

const SESSION_STORE_ERROR = Symbol.for("@sessionkit/auth.SessionStoreError");

/**
 * Marks `error` with a registry symbol, so `instanceof` and the `is…Error` checks recognise it
 * even when it comes from another copy of this package (Next bundles the proxy and the pages
 * separately; a driver may resolve its own copy).
 */
export function brand(error: object, mark: symbol): void {
  Object.defineProperty(error, mark, { value: true });
}

/** Whether `value` carries the registry symbol `mark` (see {@link brand}). */
export function hasBrand(value: unknown, mark: symbol): boolean {
  return (
    typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[mark] === true
  );
}

/**
 * A store failed because its backend failed, not because of the data in it. Its message never
 * holds session data, a token or a secret.
 */
export class SessionStoreError extends Error {
  override readonly name = "SessionStoreError";
  readonly code: SessionStoreErrorCode;
  /**
   * How long to wait before retrying, in seconds (like HTTP `Retry-After`), when the driver knows.
   * `@sessionkit/store-dynamodb` sets it (1 s) on `STORE_THROTTLED`; `@sessionkit/store-redis` on
   * the `STORE_UNAVAILABLE` of an operation that timed out or was refused while failing fast;
   * `@sessionkit/store-prisma` never. `undefined` when not known.
   */
  readonly retryAfter: number | undefined;

  constructor(
    code: SessionStoreErrorCode,
    message: string,
    options: SessionStoreErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfter = options.retryAfter;
    brand(this, SESSION_STORE_ERROR);
  }

  /** `instanceof` holds for a `SessionStoreError` of any copy of this package. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, SESSION_STORE_ERROR);
  }
}

/** Narrows an unknown error to a {@link SessionStoreError}, optionally of one code. */
export function isSessionStoreError<C extends SessionStoreErrorCode>(
  error: unknown,
  code?: C,
): error is SessionStoreError & { code: C } {
  return error instanceof SessionStoreError && (code === undefined || error.code === code);
}
