// The conformance suite once more, on DynamoDB Local in a Testcontainers container, beside
// the local-jar run of conformance.test.ts. scripts/test.sh turns this on
// (SESSIONKIT_CONTAINER_TESTS=1) once Docker answers and the images are built; a failing
// container fails these tests, it never skips them.
import { testSessionStore } from "@sessionkit/store-conformance";
import { startDynamoDb } from "@sessionkit/store-conformance/backends";
import { afterAll } from "vitest";
import { tablePerStore, testClient } from "./helpers.js";

const backend = await startDynamoDb({ sources: ["testcontainers"] });
const client = testClient(backend);
afterAll(async () => {
  client.destroy();
  await backend.close();
});

const { createStore, destroyStore } = tablePerStore(client);
testSessionStore({
  name: "dynamoDbStore (testcontainers)",
  createStore,
  destroyStore,
  outage: { stop: backend.stop, start: backend.start },
});
