import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { SessionStoreError } from "@sessionkit/auth/store";
import { attempt, THROTTLE_RETRY_AFTER_MS } from "./to-store-error.js";

/** BatchWriteItem takes at most 25 requests. */
const BATCH_SIZE = 25;
/** Batches in flight at once, so a user with hundreds of sessions is not a burst. */
const CONCURRENCY = 4;

/** Options of {@link deleteItems}. */
export interface DeleteItemsOptions {
  tableName: string;
  partitionKey: string;
  /** Tries per batch while DynamoDB hands back unprocessed items. */
  maxAttempts: number;
  /** The first back-off before resending unprocessed items, in milliseconds; doubles per try. */
  baseDelayMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Deletes items by key in batches of 25, resending whatever DynamoDB leaves
 * unprocessed (it does so under load) with exponential back-off and jitter.
 * Gives up with `STORE_THROTTLED` rather than report a partial logout as done.
 */
export async function deleteItems(
  client: DynamoDBClient,
  ids: readonly string[],
  options: DeleteItemsOptions,
): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let start = 0; start < ids.length; start += BATCH_SIZE) {
    batches.push(
      ids.slice(start, start + BATCH_SIZE).map((id) => ({
        DeleteRequest: { Key: { [options.partitionKey]: { S: id } } },
      })),
    );
  }
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      await deleteBatch(client, batch, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batches.length) }, worker));
}

async function deleteBatch(
  client: DynamoDBClient,
  batch: WriteRequest[],
  options: DeleteItemsOptions,
): Promise<void> {
  let pending = batch;
  for (let tries = 1; ; tries++) {
    const output = await attempt("BatchWriteItem", () =>
      client.send(new BatchWriteItemCommand({ RequestItems: { [options.tableName]: pending } })),
    );
    const unprocessed = output.UnprocessedItems?.[options.tableName] ?? [];
    if (unprocessed.length === 0) return;
    if (tries >= options.maxAttempts) {
      throw new SessionStoreError(
        "STORE_THROTTLED",
        `DynamoDB left ${unprocessed.length} session deletions unprocessed after ${tries} tries`,
        { retryAfterMs: THROTTLE_RETRY_AFTER_MS },
      );
    }
    pending = unprocessed;
    // Full jitter: spread the retries of concurrent logouts apart.
    await sleep(Math.random() * options.baseDelayMs * 2 ** (tries - 1));
  }
}
