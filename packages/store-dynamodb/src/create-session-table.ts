import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { SessionStoreError } from "@sessionkit/auth/store";
import { type DynamoDbStoreOptions, resolveStoreOptions } from "./store-options.js";
import { EXPIRES_AT_ATTRIBUTE, SID_KEY_ATTRIBUTE, SUB_KEY_ATTRIBUTE } from "./table-layout.js";
import { attempt } from "./to-store-error.js";

/** Options of {@link createSessionTable}: the store's options plus how long to wait. */
export interface CreateSessionTableOptions extends DynamoDbStoreOptions {
  /** How long to wait for the table to become ACTIVE, in seconds. @default 120 */
  maxWaitSeconds?: number;
}

/**
 * Creates the session table for development and tests: on-demand billing, the
 * `sid` and `sub` indexes, and TTL on `ttlAttribute`. Waits until the table is
 * ACTIVE. Safe to call again: an existing table is checked for both indexes
 * (their keys and projections) and gets TTL enabled if it lacks it. Production
 * tables belong in your infrastructure code (see the README).
 */
export async function createSessionTable(
  client: DynamoDBClient,
  options: CreateSessionTableOptions,
): Promise<void> {
  const { layout } = resolveStoreOptions(options);
  const { tableName } = layout;
  const maxWaitTime = options.maxWaitSeconds ?? 120;
  await attempt("CreateTable", async () => {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [
            { AttributeName: layout.partitionKey, AttributeType: "S" },
            { AttributeName: SID_KEY_ATTRIBUTE, AttributeType: "S" },
            { AttributeName: SUB_KEY_ATTRIBUTE, AttributeType: "S" },
          ],
          KeySchema: [{ AttributeName: layout.partitionKey, KeyType: "HASH" }],
          GlobalSecondaryIndexes: [
            {
              IndexName: layout.sidIndexName,
              KeySchema: [{ AttributeName: SID_KEY_ATTRIBUTE, KeyType: "HASH" }],
              Projection: {
                ProjectionType: "INCLUDE",
                NonKeyAttributes: [EXPIRES_AT_ATTRIBUTE, SUB_KEY_ATTRIBUTE],
              },
            },
            {
              IndexName: layout.subIndexName,
              KeySchema: [{ AttributeName: SUB_KEY_ATTRIBUTE, KeyType: "HASH" }],
              Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: [EXPIRES_AT_ATTRIBUTE] },
            },
          ],
        }),
      );
    } catch (error) {
      // Already there (or being created): check it below instead.
      if ((error as { name?: unknown }).name !== "ResourceInUseException") throw error;
    }
  });

  await attempt("DescribeTable", async () => {
    const waited = await waitUntilTableExists(
      { client, maxWaitTime, minDelay: 1, maxDelay: 5 },
      { TableName: tableName },
    );
    if (waited.state !== "SUCCESS") {
      throw new SessionStoreError(
        "STORE_UNAVAILABLE",
        `table ${tableName} did not become ACTIVE within ${maxWaitTime} s`,
      );
    }
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexes = new Map(
      (Table?.GlobalSecondaryIndexes ?? []).map((gsi) => [gsi.IndexName, gsi]),
    );
    const needs = [
      {
        name: layout.sidIndexName,
        key: SID_KEY_ATTRIBUTE,
        projects: [EXPIRES_AT_ATTRIBUTE, SUB_KEY_ATTRIBUTE],
      },
      { name: layout.subIndexName, key: SUB_KEY_ATTRIBUTE, projects: [EXPIRES_AT_ATTRIBUTE] },
    ];
    for (const { name, key, projects } of needs) {
      const gsi = indexes.get(name);
      if (gsi === undefined) {
        throw new SessionStoreError(
          "STORE_OPERATION_FAILED",
          `table ${tableName} exists without the global secondary index ${name}`,
        );
      }
      const { ProjectionType: type, NonKeyAttributes: included = [] } = gsi.Projection ?? {};
      const hash = gsi.KeySchema?.find((part) => part.KeyType === "HASH")?.AttributeName;
      const missing = projects.filter(
        (attribute) => type !== "ALL" && !included.includes(attribute),
      );
      // Back-channel logout counts and listSessions filters by what the index projects.
      if (hash !== key || missing.length > 0) {
        throw new SessionStoreError(
          "STORE_OPERATION_FAILED",
          `the global secondary index ${name} of table ${tableName} must have the partition key ${key} and project ${projects.join(", ")}`,
        );
      }
    }
  });

  await attempt("UpdateTimeToLive", async () => {
    const { TimeToLiveDescription: ttl } = await client.send(
      new DescribeTimeToLiveCommand({ TableName: tableName }),
    );
    const status = ttl?.TimeToLiveStatus;
    if (
      (status === "ENABLED" || status === "ENABLING") &&
      ttl?.AttributeName === layout.ttlAttribute
    ) {
      return;
    }
    if (status === "ENABLED" || status === "ENABLING") {
      throw new SessionStoreError(
        "STORE_OPERATION_FAILED",
        `table ${tableName} has TTL on another attribute than ${layout.ttlAttribute}`,
      );
    }
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: layout.ttlAttribute, Enabled: true },
      }),
    );
  });
}
