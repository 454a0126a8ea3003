import { type AttributeValue, type DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import { EXPIRES_AT_ATTRIBUTE, SUB_KEY_ATTRIBUTE } from "./table-layout.js";
import { attempt } from "./to-store-error.js";

/** A session the index names: its id and, as far as the index knows, when it ends. */
export interface IndexedSession {
  id: string;
  expiresAt: number;
}

/** Options of {@link queryIndex}. */
export interface QueryIndexOptions {
  tableName: string;
  partitionKey: string;
  indexName: string;
  /** The index's key attribute and the value to look up. */
  keyAttribute: string;
  key: string;
  /** When set, keep only items whose `subKey` equals it. */
  subKey?: string;
  /**
   * When set, drop items whose `expiresAt` (as the index has it) is not later, in epoch ms.
   * Items the index projects no `expiresAt` for are kept: the caller reads the table anyway.
   */
  expiringAfter?: number;
}

/**
 * Reads every page of a global secondary index for one key (DynamoDB pages a
 * Query at 1 MB read, before filters). The index projects `expiresAt` (and
 * `subKey`), so this never touches the table itself.
 */
export async function queryIndex(
  client: DynamoDBClient,
  options: QueryIndexOptions,
): Promise<IndexedSession[]> {
  const names: Record<string, string> = {
    "#key": options.keyAttribute,
    "#id": options.partitionKey,
    "#expiresAt": EXPIRES_AT_ATTRIBUTE,
  };
  const values: Record<string, AttributeValue> = { ":key": { S: options.key } };
  const filters: string[] = [];
  if (options.subKey !== undefined) {
    names["#subKey"] = SUB_KEY_ATTRIBUTE;
    values[":subKey"] = { S: options.subKey };
    filters.push("#subKey = :subKey");
  }
  if (options.expiringAfter !== undefined) {
    values[":after"] = { N: String(options.expiringAfter) };
    filters.push("(attribute_not_exists(#expiresAt) OR #expiresAt > :after)");
  }
  const found: IndexedSession[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const output = await attempt("Query", sendQuery);
    for (const item of output.Items ?? []) {
      const id = item[options.partitionKey]?.S;
      if (id === undefined) continue;
      const expiresAt = Number(item[EXPIRES_AT_ATTRIBUTE]?.N);
      found.push({ id, expiresAt: Number.isFinite(expiresAt) ? expiresAt : 0 });
    }
    startKey = output.LastEvaluatedKey;
  } while (startKey !== undefined);
  return found;

  function sendQuery() {
    return client.send(
      new QueryCommand({
        TableName: options.tableName,
        IndexName: options.indexName,
        KeyConditionExpression: "#key = :key",
        FilterExpression: filters.length === 0 ? undefined : filters.join(" AND "),
        ProjectionExpression: "#id, #expiresAt",
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ExclusiveStartKey: startKey,
      }),
    );
  }
}
