// The conformance suite once more, on DynamoDB Local in a Testcontainers container, beside
// the local-jar run of conformance.test.ts. scripts/test.sh turns this on
// (SESSIONKIT_CONTAINER_TESTS=1) once Docker answers and the images are built; a failing
// container fails these tests, it never skips them.
import type { SessionStore } from "@sessionkit/auth/store";
import { testSessionStore } from "@sessionkit/store-conformance";
import { startDynamoDb } from "@sessionkit/store-conformance/backends";
import { afterAll } from "vitest";
import { dropTable, freshStore, testClient } from "./helpers.js";

const backend = await startDynamoDb({ sources: ["testcontainers"] });
const client = testClient(backend);
afterAll(async () => {
  client.destroy();
  await backend.close();
});

const tableOf = new WeakMap<SessionStore, string>();
testSessionStore({
  name: "dynamoDbStore (testcontainers)",
  async createStore() {
    const { store, table } = await freshStore(client);
    tableOf.set(store, table.tableName);
    return store;
  },
  async destroyStore(store) {
    const tableName = tableOf.get(store);
    if (tableName) await dropTable(client, tableName);
  },
  outage: { stop: backend.stop, start: backend.start },
});
