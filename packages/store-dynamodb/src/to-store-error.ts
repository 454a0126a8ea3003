import {
  errorChain,
  isNetworkErrorCode,
  SessionStoreError,
  storeCall,
} from "@sessionkit/auth/store";

/** How long a caller should wait after DynamoDB throttled us, in seconds. */
export const THROTTLE_RETRY_AFTER_SECONDS = 1;

const THROTTLING = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "LimitExceededException",
]);

const UNAVAILABLE_NAMES = new Set([
  "TimeoutError",
  "AbortError",
  "InternalServerError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
]);

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const shape = (error: unknown): SdkErrorShape =>
  typeof error === "object" && error !== null ? (error as SdkErrorShape) : {};

/** Whether DynamoDB refused a conditional write because its condition did not hold. */
export function isConditionFailed(error: unknown): boolean {
  return shape(error).name === "ConditionalCheckFailedException";
}

/** A refused or dropped connection or a timeout anywhere in the chain (causes, AggregateErrors). */
const isNetworkFailure = (error: unknown): boolean => {
  for (const { name, code } of errorChain(error)) {
    if (isNetworkErrorCode(code)) return true;
    if (typeof name === "string" && UNAVAILABLE_NAMES.has(name)) return true;
  }
  return false;
};

/**
 * Translates an AWS SDK failure into a {@link SessionStoreError}. The message
 * names the operation and the SDK error's name only: the SDK's own message can
 * quote attribute values, so it stays in `cause`.
 */
export function toStoreError(error: unknown, operation: string): SessionStoreError {
  if (error instanceof SessionStoreError) return error;
  const { name, message, $metadata } = shape(error);
  const label = typeof name === "string" ? name : "an unknown error";
  if (typeof name === "string" && THROTTLING.has(name)) {
    return new SessionStoreError("STORE_THROTTLED", `DynamoDB throttled ${operation} (${label})`, {
      cause: error,
      retryAfter: THROTTLE_RETRY_AFTER_SECONDS,
    });
  }
  if (name === "ValidationException" && typeof message === "string" && /item size/i.test(message)) {
    return new SessionStoreError(
      "STORE_PAYLOAD_TOO_LARGE",
      `DynamoDB refused ${operation}: the item is too large`,
      { cause: error },
    );
  }
  const status = $metadata?.httpStatusCode;
  if (isNetworkFailure(error) || (typeof status === "number" && status >= 500)) {
    return new SessionStoreError(
      "STORE_UNAVAILABLE",
      `DynamoDB is unavailable for ${operation} (${label})`,
      { cause: error },
    );
  }
  return new SessionStoreError(
    "STORE_OPERATION_FAILED",
    `DynamoDB ${operation} failed (${label})`,
    {
      cause: error,
    },
  );
}

/** Runs one SDK call, turning its failure into a {@link SessionStoreError} for `operation`. */
export const attempt = <T>(operation: string, run: () => Promise<T>): Promise<T> =>
  storeCall(operation, run, toStoreError);
