import { defineSessionkitProject } from "../../vitest.shared.ts";

// DynamoDB Local is a JVM: on a busy CI machine a test of a few hundred requests
// can take many times its usual couple of seconds.
export default defineSessionkitProject("@sessionkit/store-dynamodb", {
  test: { testTimeout: 60_000 },
});
