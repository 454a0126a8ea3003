import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DynamoDbBackend, startDynamoDb } from "../../src/backends/index.js";
import { sourcesUnderTest } from "./container-runs.js";

describe.each(sourcesUnderTest)("startDynamoDb (%s)", (_, options) => {
  let backend: DynamoDbBackend;
  let client: DynamoDBClient;
  const tableName = `smoke_${Date.now()}`;
  beforeAll(async () => {
    backend = await startDynamoDb(options);
    client = new DynamoDBClient({
      endpoint: backend.endpoint,
      region: backend.region,
      credentials: backend.credentials,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await backend?.close();
  });

  it("serves DynamoDB at the endpoint with the handle's region and credentials", async () => {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await client.send(
      new PutItemCommand({ TableName: tableName, Item: { id: { S: "a" }, v: { S: "Zoë" } } }),
    );
    const { Item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { id: { S: "a" } } }),
    );
    expect(Item?.v?.S).toBe("Zoë");
  });

  it("goes down on stop() and comes back, tables intact, on start()", async (context) => {
    if (!backend.canRestart) return context.skip("an env URL is not ours to restart");
    await backend.stop();
    const get = () =>
      client.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: "a" } } }));
    await expect(get()).rejects.toThrow();
    await backend.start();
    expect((await get()).Item?.v?.S).toBe("Zoë");
  }, 60_000);
});
