import {
  type AttributeValue,
  BatchGetItemCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { type BatchRetry, chunks, forEachBatch, untilProcessed } from "./batches.js";
import { attempt } from "./to-store-error.js";

/** BatchGetItem takes at most 100 keys. */
const BATCH_SIZE = 100;

/** Options of {@link getItems}. */
export interface GetItemsOptions extends BatchRetry {
  tableName: string;
  partitionKey: string;
  /** The attributes to read; the partition key is always read. */
  attributes: readonly string[];
}

export type Item = Record<string, AttributeValue>;

/**
 * Reads items by key with strongly consistent BatchGetItems of up to 100 keys, resending the
 * keys DynamoDB leaves unprocessed (past 16 MB a response or under load). Missing items are
 * simply absent from the answer, in no particular order.
 */
export async function getItems(
  client: DynamoDBClient,
  ids: readonly string[],
  options: GetItemsOptions,
): Promise<Item[]> {
  const { tableName, partitionKey } = options;
  const names: Record<string, string> = { "#k": partitionKey };
  options.attributes.forEach((name, i) => {
    names[`#a${i}`] = name;
  });
  const projection = Object.keys(names).join(", ");
  const keys: Item[] = [...new Set(ids)].map((id) => ({ [partitionKey]: { S: id } }));
  const found: Item[] = [];
  await forEachBatch(chunks(keys, BATCH_SIZE), (batch) =>
    untilProcessed(
      batch,
      async (pending) => {
        const output = await attempt("BatchGetItem", () =>
          client.send(
            new BatchGetItemCommand({
              RequestItems: {
                [tableName]: {
                  Keys: pending,
                  ConsistentRead: true,
                  ProjectionExpression: projection,
                  ExpressionAttributeNames: names,
                },
              },
            }),
          ),
        );
        found.push(...(output.Responses?.[tableName] ?? []));
        return output.UnprocessedKeys?.[tableName]?.Keys ?? [];
      },
      options,
      "session reads",
    ),
  );
  return found;
}
