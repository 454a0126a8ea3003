import { type AttributeValue, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { testSessionStore } from "@sessionkit/store-conformance";
import { startDynamoDb } from "@sessionkit/store-conformance/backends";
import { afterAll } from "vitest";
import { tablePerStore, testClient } from "./helpers.js";

const backend = await startDynamoDb();
const client = testClient(backend);
afterAll(async () => {
  client.destroy();
  await backend.close();
});

const { tableOf, createStore, destroyStore } = tablePerStore(client);

// Unreadable in three ways, in turn: not JSON, JSON of the wrong shape, not a string.
const unreadable: AttributeValue[] = [
  { S: "{not json" },
  { S: JSON.stringify({ user: "nobody", internal: null }) },
  { N: "42" },
];
let planted = 0;

testSessionStore({
  name: "dynamoDbStore",
  createStore,
  destroyStore,
  async corrupt(store, id) {
    // Spoil the session attribute only: an existing item keeps its index keys and expiry,
    // so back-channel logout still finds it; a new one gets a live expiry.
    const live = Date.now() + 600_000;
    await client.send(
      new UpdateItemCommand({
        TableName: tableOf(store),
        Key: { id: { S: id } },
        UpdateExpression: "SET #session = :bad, #expiresAt = if_not_exists(#expiresAt, :live)",
        ExpressionAttributeNames: { "#session": "session", "#expiresAt": "expiresAt" },
        ExpressionAttributeValues: {
          ":bad": unreadable[planted++ % unreadable.length]!,
          ":live": { N: String(live) },
        },
      }),
    );
  },
  outage: backend.canRestart ? { stop: backend.stop, start: backend.start } : undefined,
});
