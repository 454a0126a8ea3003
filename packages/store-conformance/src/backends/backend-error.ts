/** Stable codes of {@link BackendError}. */
export type BackendErrorCode =
  /** No source could provide the backend: nothing to connect to, no runtime, no binary. */
  | "BACKEND_NOT_FOUND"
  /** A server was found or started but never answered, or exited. */
  | "BACKEND_START_FAILED"
  /** `stop()`/`start()` on a backend that is not ours to restart (an env URL). */
  | "BACKEND_NOT_RESTARTABLE";

/** A test backend could not be provided. The message is one line saying what to do. */
export class BackendError extends Error {
  override readonly name = "BackendError";
  readonly code: BackendErrorCode;

  constructor(code: BackendErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
