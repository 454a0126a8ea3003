import { BatchWriteItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type BatchRetry, chunks, forEachBatch, untilProcessed } from "./batches.js";
import { attempt } from "./to-store-error.js";

/** BatchWriteItem takes at most 25 requests. */
const BATCH_SIZE = 25;

/** Options of {@link deleteItems}. */
export interface DeleteItemsOptions extends BatchRetry {
  tableName: string;
  partitionKey: string;
}

/**
 * Deletes items by key in batches of 25, resending whatever DynamoDB leaves
 * unprocessed. Gives up with `STORE_THROTTLED` rather than report a partial
 * logout as done.
 */
export async function deleteItems(
  client: DynamoDBClient,
  ids: readonly string[],
  options: DeleteItemsOptions,
): Promise<void> {
  const { tableName, partitionKey } = options;
  const requests = ids.map((id) => ({ DeleteRequest: { Key: { [partitionKey]: { S: id } } } }));
  await forEachBatch(chunks(requests, BATCH_SIZE), (batch) =>
    untilProcessed(
      batch,
      async (pending) => {
        const output = await attempt("BatchWriteItem", () =>
          client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } })),
        );
        return (output.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      },
      options,
      "session deletions",
    ),
  );
}
