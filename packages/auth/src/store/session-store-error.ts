/** Stable codes of {@link SessionStoreError}. */
export type SessionStoreErrorCode =
  /** The backend cannot be reached, refused, or timed out. */
  | "STORE_UNAVAILABLE"
  /** The backend asked us to slow down; see `retryAfterMs`. */
  | "STORE_THROTTLED"
  /** The session is larger than the backend can hold. */
  | "STORE_PAYLOAD_TOO_LARGE"
  /** The caller passed something the contract forbids (e.g. a logout token with neither `sid` nor `sub`). */
  | "STORE_INVALID_ARGUMENT"
  /** Any other backend failure. */
  | "STORE_OPERATION_FAILED";

/** Options of the {@link SessionStoreError} constructor. */
export interface SessionStoreErrorOptions {
  /** The backend's own error. */
  cause?: unknown;
  /** For `STORE_THROTTLED`: how long to wait before retrying, in milliseconds. */
  retryAfterMs?: number;
}

/** A store failed because its backend failed, not because of the data in it. */
export class SessionStoreError extends Error {
  override readonly name = "SessionStoreError";
  readonly code: SessionStoreErrorCode;
  readonly retryAfterMs: number | undefined;

  constructor(
    code: SessionStoreErrorCode,
    message: string,
    options: SessionStoreErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Narrows an unknown error to a {@link SessionStoreError}, optionally of one code. */
export function isSessionStoreError<C extends SessionStoreErrorCode>(
  error: unknown,
  code?: C,
): error is SessionStoreError & { code: C } {
  return error instanceof SessionStoreError && (code === undefined || error.code === code);
}
