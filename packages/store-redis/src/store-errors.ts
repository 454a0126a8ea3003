import { SessionStoreError } from "@sessionkit/auth/store";

/** Error replies that mean "this server cannot serve us right now", not "this command is wrong". */
const UNAVAILABLE_REPLIES = new Set([
  "LOADING",
  "BUSY",
  "CLUSTERDOWN",
  "TRYAGAIN",
  "READONLY",
  "MASTERDOWN",
  "NOREPLICAS",
]);

/**
 * ioredis attaches the failed command, arguments included, to its errors: for
 * us that is a session with its tokens. Keep it reachable but out of logs.
 */
function hideCommandArgs(error: unknown): void {
  if (typeof error !== "object" || error === null) return;
  const descriptor = Object.getOwnPropertyDescriptor(error, "command");
  if (descriptor?.enumerable) Object.defineProperty(error, "command", { enumerable: false });
}

/**
 * Maps what ioredis throws to a {@link SessionStoreError}. An error reply
 * from Redis is a failed operation (or unavailability for the replies in
 * {@link UNAVAILABLE_REPLIES}); anything else ioredis throws is about the
 * connection (closed, refused, timed out, retries exhausted): unavailable.
 */
export function toStoreError(error: unknown): SessionStoreError {
  if (error instanceof SessionStoreError) return error;
  hideCommandArgs(error);
  const name = error instanceof Error ? error.name : "";
  if (name === "ReplyError") {
    const reply = (error as Error).message.split(" ", 1)[0] ?? "";
    if (UNAVAILABLE_REPLIES.has(reply)) {
      return new SessionStoreError("STORE_UNAVAILABLE", `Redis cannot serve requests (${reply})`, {
        cause: error,
      });
    }
    if (reply === "OOM") {
      return new SessionStoreError("STORE_OPERATION_FAILED", "Redis is out of memory (OOM)", {
        cause: error,
      });
    }
    return new SessionStoreError("STORE_OPERATION_FAILED", "Redis rejected the command", {
      cause: error,
    });
  }
  return new SessionStoreError("STORE_UNAVAILABLE", "Redis cannot be reached", { cause: error });
}

/**
 * The cause of an error the store raises itself, named like ioredis's own errors: an
 * operator (and the conformance suite) finds the client-side reason in `cause`.
 */
const clientError = (name: string, message: string) => Object.assign(new Error(message), { name });

/** For a client that is known to be disconnected: fail now instead of queueing. */
export const disconnectedError = (status: string) =>
  new SessionStoreError("STORE_UNAVAILABLE", `Redis cannot be reached (the client is ${status})`, {
    cause: clientError("ConnectionError", `the ioredis client's status is "${status}"`),
  });

/**
 * For an operation that outlived `operationTimeoutSeconds`, or one refused while Redis has not
 * answered lately. Both arguments in milliseconds; `retryAfter` on the error is in seconds.
 */
export const timeoutError = (timeoutMs: number, retryAfterMs: number) =>
  new SessionStoreError(
    "STORE_UNAVAILABLE",
    `Redis did not answer within ${timeoutMs / 1_000} s (operationTimeoutSeconds)`,
    {
      retryAfter: retryAfterMs / 1_000,
      cause: clientError(
        "TimeoutError",
        retryAfterMs < timeoutMs
          ? `refused without sending: this server did not answer within ${timeoutMs} ms lately`
          : `no reply within ${timeoutMs} ms`,
      ),
    },
  );

/** Whether a store error comes from a WRONGTYPE reply (another data type under a session key). */
export const isWrongType = (error: unknown) =>
  error instanceof SessionStoreError &&
  error.cause instanceof Error &&
  error.cause.message.startsWith("WRONGTYPE");

/**
 * For a write that reached Redis after its deadline: the script applied nothing. The store
 * has normally reported the call failed already (by its own clock); seen on every write, it
 * means the app's clock runs behind Redis's by more than `operationTimeoutSeconds`.
 */
export const lateWriteError = (timeoutMs: number) =>
  new SessionStoreError(
    "STORE_UNAVAILABLE",
    `Redis received the write more than ${timeoutMs / 1_000} s (operationTimeoutSeconds) after it was issued and applied nothing (if every write fails so, the app's clock is behind Redis's)`,
    {
      retryAfter: timeoutMs / 1_000,
      cause: clientError("TimeoutError", "the script found its deadline passed (Redis TIME)"),
    },
  );
