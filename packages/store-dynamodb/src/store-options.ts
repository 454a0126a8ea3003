import { SessionStoreError } from "@sessionkit/auth/store";
import type { BatchRetry } from "./batches.js";
import { resolveTableLayout, type TableLayout } from "./table-layout.js";

/** Options of `dynamoDbStore`. The same object can be passed to `createSessionTable`. */
export interface DynamoDbStoreOptions {
  /** The table that holds the sessions (see the README for its layout). Required. */
  tableName: string;
  /** The table's partition key: a string attribute holding the (hashed) session id. @default "id" */
  partitionKey?: string;
  /** The attribute DynamoDB's TTL is enabled on: integer epoch seconds, rounded up. @default "ttl" */
  ttlAttribute?: string;
  /** The global secondary index on `sidKey` (issuer + OIDC `sid`). @default "sid-index" */
  sidIndexName?: string;
  /** The global secondary index on `subKey` (issuer + user `sub`); `listSessions` reads it too. @default "sub-index" */
  subIndexName?: string;
  /**
   * Tries per `BatchWriteItem` (back-channel logout) and `BatchGetItem` (`listSessions`) while
   * DynamoDB hands back unprocessed requests. @default 8
   */
  batchMaxAttempts?: number;
  /** The first back-off before resending unprocessed batch requests, in seconds; doubles per try. @default 0.05 */
  batchBaseDelaySeconds?: number;
}

/** Everything the store needs, resolved and checked once. */
export interface ResolvedStoreOptions {
  layout: TableLayout;
  batch: BatchRetry;
}

/** Options renamed in 0.2 (issue 15: durations in seconds); the old name fails naming the new. */
const RENAMED: Record<string, string> = {
  batchWriteMaxAttempts: "`batchMaxAttempts`",
  batchWriteBaseDelayMs: "`batchBaseDelaySeconds`, in seconds",
};

const invalid = (message: string) => new SessionStoreError("STORE_INVALID_ARGUMENT", message);

const positive = (value: unknown, fallback: number, what: string): number => {
  const resolved = value ?? fallback;
  if (typeof resolved !== "number" || !Number.isFinite(resolved) || resolved <= 0) {
    throw invalid(`${what} must be a positive number`);
  }
  return resolved;
};

/** Applies the defaults and rejects what cannot work, so a bad option fails at start-up. */
export function resolveStoreOptions(options: DynamoDbStoreOptions): ResolvedStoreOptions {
  const layout = resolveTableLayout(options);
  for (const [old, renamed] of Object.entries(RENAMED)) {
    if (old in options) throw invalid(`the DynamoDB store option \`${old}\` is now ${renamed}`);
  }
  const maxAttempts = positive(options.batchMaxAttempts, 8, "`batchMaxAttempts`");
  if (!Number.isInteger(maxAttempts)) throw invalid("`batchMaxAttempts` must be an integer");
  const baseDelaySeconds = positive(options.batchBaseDelaySeconds, 0.05, "`batchBaseDelaySeconds`");
  return { layout, batch: { maxAttempts, baseDelayMs: baseDelaySeconds * 1000 } };
}
